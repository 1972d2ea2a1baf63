import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { DEFAULT_FAULTS } from '../../src/adapters/gateways/sandbox/faults.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { refreshCustomerPayment } from '../../src/app/payments/refresh-payment.ts';
import { cashierPath, sandbox } from '../payments/support.ts';
import { closeTo, installment, planRow } from './support.ts';

/**
 * Two customers pay through the gateway on the last grace day (2026-02-13; due 02-10, 3 days'
 * grace) — one is charged, one declined — and the gateway's notifications are lost, so both
 * payments stay pending until the status query two days later. While the payment is in flight the close
 * posts no late charge. If it then succeeds, the repayment counts from the day the customer
 * paid and nothing is ever owed; if it fails, the first close after it charges every day
 * since grace, as if no payment had been tried. One day's penalty is 24 fen (ei-12, ¥6000).
 */
for (const target of testDatabases()) {
  describe(`late charges with a payment in flight on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    let settles: any, fails: any;
    const started: Record<string, { outTradeNo: string; token: string }> = {};
    const charges = async (planId: string) => (await t.deps.db.selectFrom('close_accruals').select('business_date')
      .where('plan_id', '=', planId).where('step', '=', 'charges').orderBy('business_date').execute()).map((r) => r.business_date);

    before(async () => {
      t = await startTestApp(target);
      store = await seedTestStore(t);
      sandbox(t).faults = { ...DEFAULT_FAULTS, notifyDelayMs: 0, lostCallback: true };
      settles = await checkout(t, store, '13700000001', 'ei-12', '6000.00', 'inflight-1');
      fails = await checkout(t, store, '13700000002', 'ei-12', '6000.00', 'inflight-2');
    });
    after(async () => { await sandbox(t).drain(); await t.close(); });

    it('on the last grace day both customers pay at the gateway; no answer reaches Fenqi', async () => {
      await closeTo(t, '2026-02-12');
      for (const [name, plan] of [['settles', settles], ['fails', fails]] as const) {
        const token = await sessionFor(t, plan.customerId);
        const p = await t.api('POST', '/v1/me/payments', { token, key: `pay-${name}`, body: { kind: 'installment', planId: plan.id, installmentNumber: 1, amount: '533.09', gateway: 'sandbox' } });
        assert.equal(p.status, 201, JSON.stringify(p.body));
        started[name] = cashierPath(p.body.pay.url);
        const { outTradeNo, token: ct } = started[name]!;
        const r = await t.api('POST', `/sandbox/cashier/${outTradeNo}/${name === 'settles' ? 'pay' : 'fail'}?t=${ct}`, { body: 'b=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
        assert.equal(r.status, 200);
      }
      await sandbox(t).drain();
      const rows = await t.deps.db.selectFrom('payments').select('status').where('customer_id', 'in', [settles.customerId, fails.customerId]).execute();
      assert.deepEqual(rows.map((r) => r.status), ['pending', 'pending']);
    });

    it('the closes while the payments are in flight post no late charge', async () => {
      await closeTo(t, '2026-02-14');
      for (const plan of [settles, fails]) {
        assert.equal((await installment(t, plan.id, 1)).penalty_fen, 0);
        assert.deepEqual(await charges(plan.id), []);
        assert.equal((await planRow(t, plan.id)).days_past_due, 4, 'still unpaid: days past due count on');
      }
    });

    it('on 02-15 the status query finds one paid and one declined', async () => {
      for (const plan of [settles, fails]) {
        const row = await t.deps.db.selectFrom('payments').select('id').where('customer_id', '=', plan.customerId).executeTakeFirstOrThrow();
        await refreshCustomerPayment(t.deps, plan.customerId, row.id);
      }
      const status = async (plan: any) => (await t.deps.db.selectFrom('payments').select('status').where('customer_id', '=', plan.customerId).executeTakeFirstOrThrow()).status;
      assert.deepEqual([await status(settles), await status(fails)], ['succeeded', 'failed']);
    });

    it('the next close: the settled one owes nothing, the failed one is charged every day since grace', async () => {
      await closeTo(t, '2026-02-15');
      const paid = await installment(t, settles.id, 1);
      assert.deepEqual([paid.penalty_fen, paid.settled_on], [0, '2026-02-15']);
      assert.deepEqual(await charges(settles.id), []);
      assert.equal((await planRow(t, settles.id)).days_past_due, 0);
      assert.equal((await installment(t, fails.id, 1)).penalty_fen, 5 * 24, 'Feb 11–15, the days in flight included');
      assert.deepEqual(await charges(fails.id), ['2026-02-15']);
      await closeTo(t, '2026-02-16');
      assert.equal((await installment(t, fails.id, 1)).penalty_fen, 6 * 24, 'then one day at a time');
      const books = await checkLedger(t.deps.db);
      assert.ok(books.ok, JSON.stringify(books.failures));
    });
  });
}
