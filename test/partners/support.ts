import assert from 'node:assert/strict';
import type { TestApp } from '../support/app.ts';
import { checkout, type TestStore } from '../support/store.ts';
import { routePartner, recordPlanFunding } from '../../src/app/partners/route-partner.ts';

/** Helpers for the partner and entrance suites. */

export async function addPartner(t: TestApp, body: Record<string, unknown>): Promise<string> {
  const r = await t.api('POST', '/v1/admin/partners', { token: t.adminToken, body: { priority: 10, merchantIds: [], ...body } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.partnerId;
}

export async function addEntrance(t: TestApp, body: Record<string, unknown>): Promise<void> {
  const r = await t.api('POST', '/v1/admin/entrances', {
    token: t.adminToken, body: { status: 'open', priority: 100, serves: { partnerIds: [], productIds: [], merchantIds: [] }, ...body },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
}

/**
 * Checkout through the merchant API. Until createPlan calls the routing rule itself (the
 * integration point handed to the lead), the same two steps run right after it here, in
 * their own transaction, so these suites pass before and after that line lands.
 */
export async function fundedCheckout(t: TestApp, store: TestStore, phone: string, product: string, amount: string, orderId: string) {
  const plan = await checkout(t, store, phone, product, amount, orderId);
  const funded = await t.deps.db.selectFrom('plan_funding').select('plan_id').where('plan_id', '=', plan.id).executeTakeFirst();
  if (!funded) {
    await t.run(async (ctx) => {
      const routed = await routePartner(ctx, { productId: store.products[product]!, merchantId: store.merchantId, financedFen: Math.round(Number(plan.financed) * 100) });
      if (!routed.ok) return routed;
      return recordPlanFunding(ctx, plan.customerId, plan.id, routed.value);
    });
  }
  return plan;
}

export async function ownersOf(t: TestApp, planId: string) {
  const rows = await t.deps.db.selectFrom('plan_funding').select(['version', 'partner_id', 'share_bp', 'effective_date']).where('plan_id', '=', planId).orderBy('version').orderBy('seq').execute();
  return rows;
}

export async function quotaUsed(t: TestApp, partnerId: string): Promise<number> {
  return (await t.deps.db.selectFrom('partners').select('quota_used_fen').where('id', '=', partnerId).executeTakeFirstOrThrow()).quota_used_fen;
}

