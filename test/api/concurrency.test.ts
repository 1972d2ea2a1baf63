import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';

const N = 50;

/**
 * Concurrency on the real server is the point of these tests (PGlite runs one transaction at
 * a time, so there they only show the same answers). Requests go through the full HTTP
 * stack in-process, all at once, over a pool of 20 connections.
 */
for (const target of testDatabases()) {
  describe(`concurrent repayments on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    before(async () => { t = await startTestApp(target); store = await seedTestStore(t); });
    after(async () => { await t.close(); });

    const paidColumns = (planId: string) => t.deps.db.selectFrom('installments')
      .select(['number', 'paid_principal_fen', 'paid_fee_fen', 'paid_interest_fen', 'settled_on']).where('plan_id', '=', planId).orderBy('number').execute();

    it(`${N} concurrent identical repayments with one Idempotency-Key take effect once`, async () => {
      const plan = await checkout(t, store, '13600136000', 'fee-12', '6000.00', 'C-1');
      const token = await sessionFor(t, plan.customerId);
      const body = { kind: 'installment', planId: plan.id, installmentNumber: 1, amount: '536.00' };
      const replies = await Promise.all(Array.from({ length: N }, () => t.api('POST', '/v1/me/repayments', { token, key: 'one-key', body })));
      for (const r of replies) assert.equal(r.status, 201, JSON.stringify(r.body));
      const ids = new Set(replies.map((r) => r.body.id));
      assert.equal(ids.size, 1, 'every reply names the same repayment');
      const rows = await t.deps.db.selectFrom('repayments').select('id').where('customer_id', '=', plan.customerId).execute();
      assert.equal(rows.length, 1);
      const report = await checkLedger(t.deps.db);
      assert.ok(report.ok, JSON.stringify(report.failures));
    });

    it(`${N} concurrent different repayments on one plan end exactly where a serial run ends`, async () => {
      const concurrent = await checkout(t, store, '13600136001', 'fee-12', '6000.00', 'C-2');
      const serial = await checkout(t, store, '13600136002', 'fee-12', '6000.00', 'C-3');
      const amounts = Array.from({ length: N }, (_, k) => `${(37 + (k % 7) * 11)}.${String(k % 100).padStart(2, '0')}`);
      const tokenA = await sessionFor(t, concurrent.customerId);
      const tokenB = await sessionFor(t, serial.customerId);
      const replies = await Promise.all(amounts.map((amount, k) => t.api('POST', '/v1/me/repayments', {
        token: tokenA, key: `c-${k}`, body: { kind: 'amount', planId: concurrent.id, amount },
      })));
      for (const r of replies) assert.equal(r.status, 201, JSON.stringify(r.body));
      for (const [k, amount] of amounts.entries()) {
        const r = await t.api('POST', '/v1/me/repayments', { token: tokenB, key: `s-${k}`, body: { kind: 'amount', planId: serial.id, amount } });
        assert.equal(r.status, 201);
      }
      const strip = (rows: Awaited<ReturnType<typeof paidColumns>>) => rows.map(({ settled_on: _s, ...rest }) => rest);
      assert.deepEqual(strip(await paidColumns(concurrent.id)), strip(await paidColumns(serial.id)));
      const lines = await t.deps.db.selectFrom('credit_lines').select(['customer_id', 'used_fen', 'credit_balance_fen'])
        .where('customer_id', 'in', [concurrent.customerId, serial.customerId]).execute();
      assert.equal(lines[0]!.used_fen, lines[1]!.used_fen);
      assert.equal(lines[0]!.credit_balance_fen, lines[1]!.credit_balance_fen);
      const report = await checkLedger(t.deps.db);
      assert.ok(report.ok, JSON.stringify(report.failures));
    });
  });
}
