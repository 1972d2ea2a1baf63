import { addDays } from '../../core/calendar/business-date.ts';
import type { DomainError } from '../../core/errors.ts';
import type { Result } from '../../core/result.ts';
import { setBusinessDate } from '../../adapters/db/business-calendar.ts';
import { createMerchant } from '../admin/create-merchant.ts';
import { createApiKey } from '../admin/create-api-key.ts';
import { defineProduct, offerProduct } from '../admin/define-product.ts';
import { createPlan } from '../checkout/create-plan.ts';
import { returnGoods } from '../checkout/return-goods.ts';
import { postRepayment } from '../servicing/post-repayment.ts';
import { execute } from '../execute.ts';
import { systemActor, type TxContext } from '../context.ts';
import type { AppDeps } from '../deps.ts';
import { DEMO_ADMIN_TOKEN, DEMO_AGENT_TOKEN, DEMO_CUSTOMERS, DEMO_MERCHANT_TOKEN, DEMO_PRODUCTS } from './demo-catalog.ts';

export interface DemoStore { merchantId: string; products: Record<string, string> }

async function run<T>(deps: AppDeps, work: (ctx: TxContext) => Promise<Result<T, DomainError>>): Promise<T> {
  const r = await execute(deps, systemActor, work);
  if (!r.ok) throw new Error(`demo seed failed: ${r.error.code}: ${r.error.message}`);
  if (r.replayed) throw new Error('demo seed: unexpected replay');
  return r.value;
}

/** True when the database already holds a store (the demo is seeded only into an empty one). */
export async function hasAnyMerchant(deps: AppDeps): Promise<boolean> {
  return Boolean(await deps.db.selectFrom('merchants').select('id').limit(1).executeTakeFirst());
}

/**
 * 小米商城-style demo: one merchant with interest-free, fee and loan products, and five
 * customers whose plans were made on earlier business dates so the store shows every state.
 * Plans are made through the real use cases, so the demo's books prove out like any other.
 */
export async function seedDemoStore(deps: AppDeps): Promise<DemoStore> {
  const today = await deps.calendar.today();
  const merchant = await run(deps, (ctx) => createMerchant(ctx, { name: '小米商城 (demo)' }));
  await run(deps, (ctx) => createApiKey(ctx, { role: 'merchant', merchantId: merchant.merchantId, name: 'demo checkout', token: DEMO_MERCHANT_TOKEN }));
  await run(deps, (ctx) => createApiKey(ctx, { role: 'admin', name: 'demo admin', token: DEMO_ADMIN_TOKEN }));
  await run(deps, (ctx) => createApiKey(ctx, { role: 'agent', name: 'demo agent', token: DEMO_AGENT_TOKEN }));
  const products: Record<string, string> = {};
  for (const p of DEMO_PRODUCTS) {
    const defined = await run(deps, (ctx) => defineProduct(ctx, p));
    await run(deps, (ctx) => offerProduct(ctx, merchant.merchantId, defined.productId));
    products[p.code] = defined.productId;
  }
  const order = (n: number, phone: string, code: string, yuan: number, description: string) => run(deps, (ctx) => createPlan(ctx, {
    merchantId: merchant.merchantId, merchantOrderId: `DEMO-${n}`, phone, productId: products[code]!, amount: yuan * 100, downPayment: 0, description,
  }));
  const [c1, c2, c3, c4, c5] = DEMO_CUSTOMERS.map((c) => c.phone) as [string, string, string, string, string];

  await at(deps, addDays(today, -200), async () => { await order(3, c3, 'free-6', 5999, 'Xiaomi Book Pro 14'); });
  await at(deps, addDays(today, -40), async () => {
    const phone = await order(1, c1, 'fee-12', 4999, 'Xiaomi 15 12GB+256GB');
    await run(deps, (ctx) => postRepayment(ctx, { customerId: phone.customerId, target: { kind: 'installment', planId: phone.planId, installmentNumber: 1 }, amount: phone.quote.installments[0]!.total, channel: 'sandbox' }));
    const buds = await order(2, c2, 'free-3', 299, 'Redmi Buds 6');
    await run(deps, (ctx) => postRepayment(ctx, { customerId: buds.customerId, target: { kind: 'payoff', planId: buds.planId }, amount: 29900, channel: 'sandbox' }));
    const tv = await order(4, c4, 'free-12', 3299, 'Xiaomi TV S Pro 65 + soundbar');
    await run(deps, (ctx) => returnGoods(ctx, { merchantId: merchant.merchantId, planId: tv.planId, kind: 'partial', amount: 49900, reason: 'soundbar returned' }));
  });
  await payAllButLast(deps, today);
  const cancelled = await order(5, c5, 'free-12', 1999, 'Xiaomi Watch S4');
  await run(deps, (ctx) => returnGoods(ctx, { merchantId: merchant.merchantId, planId: cancelled.planId, kind: 'cancellation', reason: 'cancelled before shipping' }));
  return { merchantId: merchant.merchantId, products };
}

/** Runs `work` as if on an earlier business date, then restores today. */
async function at<T>(deps: AppDeps, date: string, work: () => Promise<T>): Promise<T> {
  const today = await deps.calendar.today();
  await setBusinessDate(deps.db, date, deps.clock.now());
  try { return await work(); } finally { await setBusinessDate(deps.db, today, deps.clock.now()); }
}

/** The laptop customer paid every bill on time except the latest one, which is now overdue. */
async function payAllButLast(deps: AppDeps, today: string): Promise<void> {
  const rows = await deps.db.selectFrom('plans as p').innerJoin('installments as i', (j) => j.onRef('i.customer_id', '=', 'p.customer_id').onRef('i.plan_id', '=', 'p.id'))
    .select(['p.customer_id', 'p.id', 'i.number', 'i.due_date', 'i.principal_fen'])
    .where('p.merchant_order_id', '=', 'DEMO-3').orderBy('i.number').execute();
  const due = rows.filter((r) => r.due_date < today);
  for (const r of due.slice(0, -1)) {
    await at(deps, r.due_date, () => run(deps, (ctx) => postRepayment(ctx, {
      customerId: r.customer_id, target: { kind: 'installment', planId: r.id, installmentNumber: r.number }, amount: r.principal_fen, channel: 'sandbox',
    })));
  }
}
