import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, sessionFor } from '../support/store.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { closeThrough } from '../../src/app/close/close-through.ts';
import { TEST_CLOSE } from './support.ts';

/**
 * A customer is never blocked by the close: repayments sent while it runs (on PostgreSQL
 * truly at the same time, over a pool) all succeed, each waiting at most for one short page
 * transaction on its customer's lock, and the books still prove out.
 */
for (const target of testDatabases()) {
  describe(`repayments during the close on ${target.name}`, () => {
    let t: TestApp;
    before(async () => { t = await startTestApp(target, {}, '2026-02-08'); });
    after(async () => { await t.close(); });

    it('every repayment sent during the close succeeds', async () => {
      const store = await seedTestStore(t);
      const made = [];
      for (let k = 0; k < 12; k++) made.push(await checkout(t, store, `1350000${String(k).padStart(4, '0')}`, k % 2 ? 'fee-12' : 'ei-12', '3000.00', `rdc-${k}`));
      await t.setBusinessDate('2026-02-09');
      const tokens = await Promise.all(made.map((p) => sessionFor(t, p.customerId)));
      const closing = closeThrough(t.deps, '2026-02-20', { ...TEST_CLOSE, workers: 3, pageSize: 1, chargePageSize: 1 });
      const replies = await Promise.all(made.flatMap((plan, k) => [1, 2, 3].map((n) => t.api('POST', '/v1/me/repayments', {
        token: tokens[k], key: `rdc-${k}-${n}`, body: { kind: 'amount', planId: plan.id, amount: `${50 + n}.00` },
      }))));
      const result = await closing;
      for (const r of replies) assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(result.runs.length, 12);
      assert.equal(await t.deps.calendar.today(), '2026-02-21');
      const report = await checkLedger(t.deps.db);
      assert.ok(report.ok, JSON.stringify(report.failures));
    });
  });
}
