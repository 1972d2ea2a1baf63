import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';

for (const target of testDatabases()) {
  describe(`returns and cancellations on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    before(async () => { t = await startTestApp(target); store = await seedTestStore(t); });
    after(async () => { await t.close(); });

    const line = (customerId: string) => t.deps.db.selectFrom('credit_lines').selectAll().where('customer_id', '=', customerId).executeTakeFirstOrThrow();
    const ret = (planId: string, body: object, key: string) => t.api('POST', `/v1/merchant/plans/${planId}/returns`, { token: store.merchantToken, key, body });
    async function payFirst(plan: any, amount: string) {
      const token = await sessionFor(t, plan.customerId);
      const r = await t.api('POST', '/v1/me/repayments', { token, key: `pay-${plan.id}`, body: { kind: 'installment', planId: plan.id, installmentNumber: 1, amount } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    const assertBooks = async () => { const r = await checkLedger(t.deps.db); assert.ok(r.ok, JSON.stringify(r.failures)); };

    it('partial return re-amortises the open installments and keeps past payments', async () => {
      const plan = await checkout(t, store, '13700137000', 'free-12', '6000.00', 'RT-1');
      await payFirst(plan, '500.00');
      const r = await ret(plan.id, { kind: 'partial', amount: '1200.00', reason: 'one item returned' }, 'rt1');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.principalReduced, '1200.00');
      assert.equal(r.body.planStatus, 'active');
      const view = await t.api('GET', `/v1/merchant/plans/${plan.id}`, { token: store.merchantToken });
      const rows = view.body.installments;
      assert.equal(rows[0].principal, '500.00');
      assert.equal(rows[0].status, 'paid');
      assert.deepEqual(rows.slice(1, 3).map((i: any) => i.principal), ['390.91', '390.91']);
      assert.equal(rows[11].principal, '390.90');
      assert.equal((await line(plan.customerId)).used_fen, 430000);
      const history = await t.deps.db.selectFrom('schedule_history').selectAll().where('plan_id', '=', plan.id).execute();
      assert.equal(history.length, 1);
      await assertBooks();
    });

    it('partial return larger than what is not yet due refunds the rest through the original channel', async () => {
      const plan = await checkout(t, store, '13700137001', 'free-3', '300.00', 'RT-2');
      await payFirst(plan, '100.00');
      const r = await ret(plan.id, { kind: 'partial', amount: '250.00' }, 'rt2');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.refunded, '50.00');
      assert.equal(r.body.refundChannel, 'sandbox');
      assert.equal(r.body.planStatus, 'paid_off');
      const l = await line(plan.customerId);
      assert.equal(l.used_fen, 0);
      assert.equal(l.credit_balance_fen, 0);
      await assertBooks();
    });

    it('full return ends the plan, refunds what was paid and restores the line', async () => {
      const plan = await checkout(t, store, '13700137002', 'fee-12', '6000.00', 'RT-3');
      await payFirst(plan, '536.00');
      const r = await ret(plan.id, { kind: 'full', reason: 'whole order returned' }, 'rt3');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.planStatus, 'refunded');
      assert.equal(r.body.refunded, '536.00');
      assert.equal(r.body.refundChannel, 'sandbox');
      const l = await line(plan.customerId);
      assert.equal(l.used_fen, 0);
      assert.equal(l.credit_balance_fen, 0);
      const again = await ret(plan.id, { kind: 'full' }, 'rt3b');
      assert.equal(again.status, 422);
      assert.equal(again.body.code, 'plan_not_returnable');
      await assertBooks();
    });

    it('cancels an unpaid order, refuses to cancel a paid one, and hides other merchants\' plans', async () => {
      const plan = await checkout(t, store, '13700137003', 'ei-12', '1200.00', 'RT-4');
      const c = await t.api('POST', `/v1/merchant/plans/${plan.id}/cancel`, { token: store.merchantToken, key: 'c1', body: {} });
      assert.equal(c.status, 200, JSON.stringify(c.body));
      assert.equal(c.body.planStatus, 'cancelled');
      const paid = await checkout(t, store, '13700137004', 'free-3', '300.00', 'RT-5');
      await payFirst(paid, '100.00');
      const refused = await t.api('POST', `/v1/merchant/plans/${paid.id}/cancel`, { token: store.merchantToken, key: 'c2', body: {} });
      assert.equal(refused.body.code, 'plan_not_returnable');
      const bad = await ret(paid.id, { kind: 'partial', amount: '300.00' }, 'c3');
      assert.equal(bad.body.code, 'return_amount_invalid');
      const missing = await ret('0192f0c8-5c2a-7000-8000-000000000001', { kind: 'full' }, 'c4');
      assert.equal(missing.status, 404);
      await assertBooks();
    });
  });
}
