import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { DEFAULT_FAULTS } from '../../src/adapters/gateways/sandbox/faults.ts';
import { cashierPath, postings, sandbox } from './support.ts';

for (const target of testDatabases()) {
  describe(`POST /v1/me/repayments while a gateway payment is in flight on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    let n = 0;
    before(async () => { t = await startTestApp(target); store = await seedTestStore(t); });
    after(async () => { await sandbox(t).drain(); await t.close(); });
    beforeEach(() => { sandbox(t).faults = { ...DEFAULT_FAULTS, notifyDelayMs: 0 }; });

    async function customer() {
      await t.setBusinessDate('2026-01-05');
      const plan = await checkout(t, store, `1350013${String(5000 + ++n).padStart(4, '0')}`, 'fee-12', '6000.00', `IF-${n}`);
      return { plan, token: await sessionFor(t, plan.customerId) };
    }
    const repay = (token: string, body: object, key: string) => t.api('POST', '/v1/me/repayments', { token, key, body });

    it('refuses 409 payment_in_flight for the same plan and for a bill, lets another plan through, and pays after the payment settles', async () => {
      const { plan, token } = await customer();
      const other = await checkout(t, store, `1350013${String(5000 + n).padStart(4, '0')}`, 'fee-12', '1200.00', `IF-${n}-b`);
      const p = await t.api('POST', '/v1/me/payments', { token, key: 'gw', body: { kind: 'installment', planId: plan.id, installmentNumber: 1, amount: '536.00', gateway: 'sandbox' } });
      assert.equal(p.status, 201, JSON.stringify(p.body));
      const same = await repay(token, { kind: 'installment', planId: plan.id, installmentNumber: 1, amount: '536.00' }, 'r1');
      assert.equal(same.status, 409, JSON.stringify(same.body));
      assert.equal(same.body.code, 'payment_in_flight');
      assert.equal(same.body.paymentId, p.body.id);
      const bill = await repay(token, { kind: 'bill', amount: '536.00' }, 'r2');
      assert.equal(bill.status, 409, 'a bill may cover the plan being paid');
      const amount = await repay(token, { kind: 'amount', planId: plan.id, amount: '10.00', channel: 'credit_balance' }, 'r3');
      assert.equal(amount.body.code, 'payment_in_flight', 'any channel');
      assert.equal(await postings(t, plan.customerId), 0);
      const elsewhere = await repay(token, { kind: 'amount', planId: other.id, amount: '10.00' }, 'r4');
      assert.equal(elsewhere.status, 201, 'a plan the payment does not cover can be paid');

      const { outTradeNo, token: ct } = cashierPath(p.body.pay.url);
      await t.api('POST', `/sandbox/cashier/${outTradeNo}/pay?t=${ct}`, { body: 'b=pay', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      await sandbox(t).drain();
      const now = await repay(token, { kind: 'amount', planId: plan.id, amount: '10.00' }, 'r5');
      assert.equal(now.status, 201, 'nothing in flight any more');
    });

    it('a retry of a repayment made before the payment started replays its answer instead of refusing', async () => {
      const { plan, token } = await customer();
      const first = await repay(token, { kind: 'amount', planId: plan.id, amount: '20.00' }, 'early');
      assert.equal(first.status, 201);
      const p = await t.api('POST', '/v1/me/payments', { token, key: 'gw2', body: { kind: 'installment', planId: plan.id, installmentNumber: 1, amount: '516.00', gateway: 'sandbox' } });
      assert.equal(p.status, 201, JSON.stringify(p.body));
      const retry = await repay(token, { kind: 'amount', planId: plan.id, amount: '20.00' }, 'early');
      assert.equal(retry.status, 201);
      assert.equal(retry.headers['idempotent-replayed'], 'true');
      assert.equal(retry.body.id, first.body.id);
    });
  });
}
