import { createMerchant } from '../../src/app/admin/create-merchant.ts';
import { createApiKey } from '../../src/app/admin/create-api-key.ts';
import { defineProduct, offerProduct, type DefineProductInput } from '../../src/app/admin/define-product.ts';
import type { TestApp } from './app.ts';

export interface TestStore {
  merchantId: string;
  merchantToken: string;
  webhookSecret: string;
  products: Record<string, string>;
}

export const TEST_PRODUCTS: DefineProductInput[] = [
  { code: 'free-3', name: '3期免息', method: 'interest-free', terms: 3, subsidyRate: '2' },
  { code: 'free-12', name: '12期免息', method: 'interest-free', terms: 12 },
  { code: 'fee-12', name: '12期 0.6%/月', method: 'fee-per-period', terms: 12, monthlyFeeRate: '0.6' },
  { code: 'ei-12', name: '12期 等额本息 12%', method: 'equal-installment', terms: 12, annualRate: '12' },
  { code: 'ep-6', name: '6期 等额本金 10%', method: 'equal-principal', terms: 6, annualRate: '10' },
];

/** A merchant with a key, offering the test products. */
export async function seedTestStore(t: TestApp, webhookUrl: string | null = null): Promise<TestStore> {
  const merchant = await t.run((ctx) => createMerchant(ctx, { name: '测试商城', webhookUrl }));
  const key = await t.run((ctx) => createApiKey(ctx, { role: 'merchant', merchantId: merchant.merchantId, name: 'checkout' }));
  const products: Record<string, string> = {};
  for (const p of TEST_PRODUCTS) {
    const defined = await t.run((ctx) => defineProduct(ctx, p));
    await t.run((ctx) => offerProduct(ctx, merchant.merchantId, defined.productId));
    products[p.code] = defined.productId;
  }
  return { merchantId: merchant.merchantId, merchantToken: key.token, webhookSecret: merchant.webhookSecret, products };
}

import { startSession } from '../../src/app/customers/sessions.ts';
import { ok } from '../../src/core/result.ts';

/** Creates a plan for a phone through the merchant API and returns its body. */
export async function checkout(t: TestApp, store: TestStore, phone: string, productCode: string, amount: string, orderId: string) {
  const r = await t.api('POST', '/v1/merchant/plans', {
    token: store.merchantToken, key: `order-${orderId}`,
    body: { merchantOrderId: orderId, phone, productId: store.products[productCode], amount },
  });
  if (r.status !== 201) throw new Error(`checkout failed: ${JSON.stringify(r.body)}`);
  return r.body;
}

/** A session token for a customer without the OTP dance (the OTP flow has its own tests). */
export async function sessionFor(t: TestApp, customerId: string): Promise<string> {
  const s = await t.run(async (ctx) => ok(await startSession(ctx, customerId)));
  return s.token;
}
