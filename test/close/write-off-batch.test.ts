import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore } from '../support/store.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { closeDate } from '../../src/app/close/close-date.ts';
import { DEFAULT_CLOSE_SETTINGS } from '../../src/core/close/close-settings.ts';
import { TEST_CLOSE, closeTo, credited, ledgerFingerprint, planRow } from './support.ts';

/**
 * Write-offs of one page go in together (apply-plan-days.ts writeOffAll): three plans of two
 * customers, never paid, reach the write-off age on the same date. Each gets exactly its own
 * figures — ¥6000 over 12 at 12% (ei-12): 6000.00 principal, 60.00 interest due, 20 days of
 * 24 fen penalty — and each customer's line is released by its own principal, once.
 */
for (const target of testDatabases()) {
  describe(`write-offs of a page together on ${target.name}`, () => {
    let t: TestApp;
    const plans: any[] = [];
    const settings = { ...DEFAULT_CLOSE_SETTINGS, writeOffDays: 20 };
    before(async () => {
      t = await startTestApp(target);
      const store = await seedTestStore(t);
      plans.push(await checkout(t, store, '13900000101', 'ei-12', '6000.00', 'wo-1'));
      plans.push(await checkout(t, store, '13900000102', 'ei-12', '6000.00', 'wo-2'));
      plans.push(await checkout(t, store, '13900000102', 'ei-12', '6000.00', 'wo-3'));
    });
    after(async () => { await t.close(); });

    it('writes off every plan due, each with its own amounts, and releases each line once', async () => {
      await closeTo(t, '2026-03-02', { settings });
      for (const p of plans) {
        const row = await planRow(t, p.id);
        assert.deepEqual([row.status, row.closed_on], ['written_off', '2026-03-02']);
        const off = await t.deps.db.selectFrom('postings').select(['amount_fen']).where('plan_id', '=', p.id)
          .where('business_date', '=', '2026-03-02').where('debit_account', '=', 'expense.writeoff').execute();
        assert.equal(off.reduce((s, x) => s + x.amount_fen, 0), 600000 + 6000 + 20 * 24);
        assert.equal(await credited(t, p.id, 'receivable.principal'), 600000);
        const waived = await t.deps.db.selectFrom('waivers').select(['amount_fen']).where('plan_id', '=', p.id).where('source', '=', 'writeoff').execute();
        const reversed = await t.deps.db.selectFrom('postings').select(['amount_fen']).where('plan_id', '=', p.id)
          .where('business_date', '=', '2026-03-02').where('debit_account', 'in', ['expense.writeoff', 'unearned.interest']).execute();
        assert.equal(waived.reduce((s, x) => s + x.amount_fen, 0), reversed.reduce((s, x) => s + x.amount_fen, 0), 'waived = taken off the receivable');
      }
      for (const c of new Set(plans.map((p) => p.customerId))) {
        const line = await t.deps.db.selectFrom('credit_lines').select('used_fen').where('customer_id', '=', c).executeTakeFirstOrThrow();
        assert.equal(line.used_fen, 0, `customer ${c}: every plan's principal released, once`);
      }
      const r = await checkLedger(t.deps.db);
      assert.ok(r.ok, JSON.stringify(r.failures));
    });

    it('a re-run of the date, partitions forced to run again, writes nothing more', async () => {
      const before = await ledgerFingerprint(t);
      const count = async () => Number((await t.deps.db.selectFrom('waivers').select((eb) => eb.fn.countAll<number>().as('n')).where('source', '=', 'writeoff').executeTakeFirstOrThrow()).n);
      const waiversBefore = await count();
      await t.deps.db.updateTable('close_runs').set({ status: 'running' }).where('business_date', '=', '2026-03-02').execute();
      await t.deps.db.updateTable('close_partitions').set({ status: 'pending', step: 'income', cursor: null }).where('business_date', '=', '2026-03-02').execute();
      const rerun = await closeDate(t.deps, '2026-03-02', { ...TEST_CLOSE, settings });
      assert.equal(rerun.status, 'done');
      assert.deepEqual(await ledgerFingerprint(t), before);
      assert.equal(await count(), waiversBefore);
      for (const c of new Set(plans.map((p) => p.customerId))) {
        const line = await t.deps.db.selectFrom('credit_lines').select('used_fen').where('customer_id', '=', c).executeTakeFirstOrThrow();
        assert.equal(line.used_fen, 0, 'no second release');
      }
    });
  });
}
