import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore } from '../support/store.ts';
import { readDateSteps } from '../../src/app/close/run-date-steps.ts';
import { closeTo } from '../close/support.ts';

for (const target of testDatabases()) {
  describe(`credit report from the daily close on ${target.name}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(target, {}, '2026-01-28');
      const store = await seedTestStore(t);
      await checkout(t, store, '13800000009', 'free-3', '300.00', 'CS-1');
    });
    after(async () => { await t.close(); });

    it('closing the last day of a month reports that month, once', async () => {
      await closeTo(t, '2026-01-30');
      const runs = () => sql<{ report_month: string; version: number; lines: number }>`select report_month, version, lines from credit_report_runs`.execute(t.deps.db).then((r) => r.rows);
      assert.deepEqual(await runs(), [], 'no report before the month end is closed');
      assert.deepEqual((await readDateSteps(t.deps, '2026-01-30')).find((s) => s.name === 'creditReport')?.counts, {});
      await closeTo(t, '2026-02-01');
      assert.deepEqual(await runs(), [{ report_month: '2026-01-31', version: 1, lines: 1 }]);
      assert.deepEqual((await readDateSteps(t.deps, '2026-01-31')).find((s) => s.name === 'creditReport')?.counts, { creditReportAccounts: 1, creditReportLines: 1 });
      const r = await t.api('POST', '/v1/admin/credit-reports/2026-01/run', { token: t.adminToken, key: 'after-close' });
      assert.deepEqual({ status: r.status, changed: r.body.changed, version: r.body.run.version }, { status: 200, changed: false, version: 1 });
    });
  });
}
