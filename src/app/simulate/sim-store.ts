import type { DomainError } from '../../core/errors.ts';
import type { Result } from '../../core/result.ts';
import { PRODUCT_MIX } from '../../core/simulate/behaviour.ts';
import { createMerchant } from '../admin/create-merchant.ts';
import { defineProduct, offerProduct } from '../admin/define-product.ts';
import { DEMO_PRODUCTS } from '../demo/demo-catalog.ts';
import { createPartner } from '../partners/manage-partners.ts';
import { createEntrance } from '../entrances/manage-entrances.ts';
import { execute } from '../execute.ts';
import { systemActor, type TxContext } from '../context.ts';
import type { AppDeps } from '../deps.ts';

export interface SimPartner { id: string; code: string }
export interface SimStore {
  merchantId: string;
  /** Product id by the catalogue code the behaviour model uses. */
  products: Record<string, string>;
  /** The store's financing partner at the start, and the one it may move its book to. */
  partners: { first: SimPartner; second: SimPartner };
  /** The store app's repayment entrance, serving the first partner's plans. */
  storeEntrance: string;
}

/** Large enough never to bind: quota is not what the simulation studies, and a binding quota would make routing depend on checkout order. */
const QUOTA_FEN = 1_000_000_000_000;

export async function runOnce<T>(deps: AppDeps, work: (ctx: TxContext) => Promise<Result<T, DomainError>>, what: string): Promise<T> {
  const r = await execute(deps, systemActor, work);
  if (!r.ok) throw new Error(`simulate: ${what} failed: ${r.error.code}: ${r.error.message}`);
  if (r.replayed) throw new Error(`simulate: ${what}: unexpected replay`);
  return r.value;
}

/**
 * The simulated store, set up through the same use cases an operator would call: a merchant
 * offering the demo catalogue's products, two funding partners (the first one, by priority,
 * funds every plan until a migration), and the repayment entrances — Fenqi's portal for
 * everyone, the store's app for the first partner's plans, the second partner's app.
 */
export async function setUpSimStore(deps: AppDeps): Promise<SimStore> {
  const merchant = await runOnce(deps, (ctx) => createMerchant(ctx, { name: '模拟商城 (simulated store)' }), 'merchant');
  const codes = new Set(PRODUCT_MIX.map(([code]) => code));
  const products: Record<string, string> = {};
  for (const p of DEMO_PRODUCTS.filter((x) => codes.has(x.code))) {
    const defined = await runOnce(deps, (ctx) => defineProduct(ctx, p), `product ${p.code}`);
    await runOnce(deps, (ctx) => offerProduct(ctx, merchant.merchantId, defined.productId), `offer ${p.code}`);
    products[p.code] = defined.productId;
  }
  const missing = [...codes].filter((c) => !products[c]);
  if (missing.length > 0) throw new Error(`simulate: the demo catalogue lacks products ${missing.join(', ')}`);
  const productIds = Object.values(products);
  const partner = async (code: string, name: string, priority: number) => {
    const row = await runOnce(deps, (ctx) => createPartner(ctx, { code, name, priority, quotaFen: QUOTA_FEN, productIds, merchantIds: [] }), `partner ${code}`);
    return { id: row.id, code };
  };
  const first = await partner('bank-a', '甲金融 (simulated)', 1);
  const second = await partner('bank-b', '乙银行 (simulated)', 2);
  const entrance = (code: string, kind: 'fenqi_portal' | 'store_app' | 'partner_app', name: string, url: string, priority: number, partnerIds: string[]) =>
    runOnce(deps, (ctx) => createEntrance(ctx, { code, kind, name, url, status: 'open', priority, serves: { partnerIds, productIds: [], merchantIds: [] } }), `entrance ${code}`);
  await entrance('fenqi', 'fenqi_portal', 'Fenqi 还款页', `${deps.config.publicUrl}/portal`, 100, []);
  await entrance('store-installments', 'store_app', '商城App-分期还款', 'https://store.example/installments', 1, [first.id]);
  await entrance('bank-b-app', 'partner_app', '乙银行App', 'https://bank-b.example/repay', 5, [second.id]);
  return { merchantId: merchant.merchantId, products, partners: { first, second }, storeEntrance: 'store-installments' };
}
