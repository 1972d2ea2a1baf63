import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { closeDate } from '../../src/app/close/close-date.ts';
import { ensurePlanClosedThrough } from '../../src/app/close/ensure-plan-closed.ts';
import { ok } from '../../src/core/result.ts';
import { DEFAULT_CLOSE_SETTINGS } from '../../src/core/close/close-settings.ts';
import { TEST_CLOSE, accruals, closeTo, credited, installment, ledgerFingerprint, planRow } from './support.ts';

/**
 * Day by day with the default product rule: 3 days' grace, then 0.05% a day on overdue
 * principal counted from the due date, half-up per day. ¥6000 over 12 at 12% (ei-12), first
 * due 2026-02-10: installment 1 is 473.09 principal + 60.00 interest, so one day's penalty is
 * 47309 × 0.0005 = 23.65 → 24 fen.
 */
for (const target of testDatabases()) {
  describe(`daily close on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    const plans: Record<string, any> = {};
    const pay = async (plan: any, amount: string, key: string) => {
      const token = await sessionFor(t, plan.customerId);
      const r = await t.api('POST', '/v1/me/repayments', { token, key, body: { kind: 'installment', planId: plan.id, installmentNumber: 1, amount } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    };
    const ledgerOk = async () => { const r = await checkLedger(t.deps.db); assert.ok(r.ok, JSON.stringify(r.failures)); };

    before(async () => {
      t = await startTestApp(target);
      store = await seedTestStore(t);
      for (const [name, product] of [['A', 'ei-12'], ['B', 'ei-12'], ['C', 'ei-12'], ['D', 'fee-12'], ['E', 'ei-12']] as const) {
        plans[name] = await checkout(t, store, `1380000000${Object.keys(plans).length}`, product, '6000.00', `close-${name}`);
      }
    });
    after(async () => { await t.close(); });

    it('closes a gap day by day up to the date before the due date and earns nothing early', async () => {
      const r = await closeTo(t, '2026-02-09');
      assert.equal(r.runs.length, 36, '2026-01-05 … 2026-02-09');
      assert.deepEqual(r.runs.map((x) => x.status), Array(36).fill('done'));
      assert.equal(await t.deps.calendar.today(), '2026-02-10');
      assert.equal(await credited(t, plans.A.id, 'income.interest'), 0);
      await ledgerOk();
    });

    it('earns interest and fees on the due date, once', async () => {
      await closeTo(t, '2026-02-10');
      assert.equal(await credited(t, plans.A.id, 'income.interest', '2026-02-10'), 6000);
      assert.equal(await credited(t, plans.D.id, 'income.fee', '2026-02-10'), 3600);
      const run = await closeDate(t.deps, '2026-02-10', TEST_CLOSE);
      assert.equal(run.status, 'done');
      assert.equal(await credited(t, plans.A.id, 'income.interest'), 6000, 'running the date again earns nothing more');
      assert.equal((await planRow(t, plans.A.id)).days_past_due, 0, 'not past due on its due date');
    });

    it('grace: nothing through the last grace day; a payment on it owes nothing', async () => {
      await closeTo(t, '2026-02-12');
      assert.equal(await t.deps.calendar.today(), '2026-02-13');
      await pay(plans.B, '533.09', 'b-1');
      await closeTo(t, '2026-02-13');
      for (const p of ['A', 'B', 'C', 'D']) assert.equal((await installment(t, plans[p].id, 1)).penalty_fen, 0, p);
      assert.deepEqual((await planRow(t, plans.A.id)).days_past_due, 3);
    });

    it('the first day after grace posts the grace days back to the due date; the payment day itself is charged', async () => {
      await pay(plans.C, '533.09', 'c-1'); // on 2026-02-14, one day too late
      await t.run(async (ctx) => ok(await ensurePlanClosedThrough(ctx, plans.E.customerId, '2026-02-14')));
      assert.equal((await installment(t, plans.E.id, 1)).penalty_fen, 96, 'brought up to date inline: Feb 11–14');
      await closeTo(t, '2026-02-14');
      assert.equal((await installment(t, plans.A.id, 1)).penalty_fen, 96, '4 days × 24');
      assert.equal((await installment(t, plans.C.id, 1)).penalty_fen, 96, 'paid on the 14th: Feb 11–14');
      assert.equal((await installment(t, plans.E.id, 1)).penalty_fen, 96, 'the batch found E already done');
      assert.equal((await installment(t, plans.B.id, 1)).penalty_fen, 0);
      assert.equal(await credited(t, plans.A.id, 'income.penalty', '2026-02-14'), 96);
      const e = await accruals(t, plans.E.id);
      assert.equal(e.filter((a) => a.step === 'charges' && a.business_date === '2026-02-14').length, 1);
      assert.equal((await installment(t, plans.C.id, 1)).settled_on, null, 'C now owes the penalty');
      await ledgerOk();
    });

    it('then one day at a time, across the month end; a paid installment stops accruing', async () => {
      await closeTo(t, '2026-02-28');
      assert.equal((await installment(t, plans.A.id, 1)).penalty_fen, 18 * 24, 'Feb 11–28');
      assert.equal((await installment(t, plans.C.id, 1)).penalty_fen, 96);
      await closeTo(t, '2026-03-01');
      assert.equal((await installment(t, plans.A.id, 1)).penalty_fen, 19 * 24);
      const a = await planRow(t, plans.A.id);
      assert.deepEqual([a.days_past_due, a.delinquency_bucket], [19, 'M1']);
      assert.deepEqual([(await planRow(t, plans.C.id)).days_past_due, (await planRow(t, plans.B.id)).delinquency_bucket], [0, 'M0']);
      const charged = (await accruals(t, plans.A.id)).filter((x) => x.step === 'charges');
      assert.equal(charged.length, 16, 'one charges row per day from 2026-02-14 to 2026-03-01');
      assert.equal(new Set(charged.map((x) => x.business_date)).size, 16);
      await ledgerOk();
    });

    it('queues auto-debits and notices for the next day, once', async () => {
      const rows = await t.deps.db.selectFrom('close_outbox').selectAll().where('plan_id', '=', plans.A.id).orderBy('business_date').execute();
      const kinds = rows.map((r) => `${r.send_on} ${r.kind}`);
      for (const k of ['2026-02-07 due_in_3_days', '2026-02-09 due_tomorrow', '2026-02-10 due_today', '2026-02-10 auto_debit',
        '2026-02-11 overdue_1', '2026-02-11 auto_debit', '2026-02-13 overdue_3', '2026-02-13 auto_debit', '2026-02-17 overdue_7']) {
        if (!kinds.includes(k)) assert.fail(`${k} not in ${kinds.join(', ')}`);
      }
      assert.equal(kinds.length, new Set(kinds).size);
      const b = await t.deps.db.selectFrom('close_outbox').select(['kind', 'send_on']).where('plan_id', '=', plans.B.id).where('kind', 'like', 'overdue%').orderBy('send_on').execute();
      assert.deepEqual(b.map((r) => `${r.send_on} ${r.kind}`), ['2026-02-11 overdue_1', '2026-02-13 overdue_3'], 'B paid on 02-13: no overdue notice after');
    });

    it('running a closed date again changes nothing, even with its partitions forced to run again', async () => {
      const before = await ledgerFingerprint(t);
      const again = await closeTo(t, '2026-02-20');
      assert.notEqual(again.alreadyClosed, undefined);
      await t.deps.db.updateTable('close_runs').set({ status: 'running' }).where('business_date', '=', '2026-03-01').execute();
      await t.deps.db.updateTable('close_partitions').set({ status: 'pending', step: 'income', cursor: null }).where('business_date', '=', '2026-03-01').execute();
      const rerun = await closeDate(t.deps, '2026-03-01', TEST_CLOSE);
      assert.equal(rerun.status, 'done');
      assert.deepEqual(await ledgerFingerprint(t), before);
      assert.equal(await t.deps.calendar.today(), '2026-03-02', 'the open date does not move back');
      assert.equal((await installment(t, plans.A.id, 1)).penalty_fen, 19 * 24);
    });

    it('writes a plan off at the configured age: receivables out, unearned back, line released', async () => {
      await closeTo(t, '2026-03-02', { settings: { ...DEFAULT_CLOSE_SETTINGS, writeOffDays: 20 } });
      const a = await planRow(t, plans.A.id);
      assert.deepEqual([a.status, a.closed_on], ['written_off', '2026-03-02']);
      const line = await t.deps.db.selectFrom('credit_lines').select('used_fen').where('customer_id', '=', plans.A.customerId).executeTakeFirstOrThrow();
      assert.equal(line.used_fen, 0);
      const schedule = await t.deps.db.selectFrom('installments').select(['interest_fen']).where('plan_id', '=', plans.A.id).execute();
      const futureInterest = schedule.reduce((s, i) => s + i.interest_fen, 0) - 6000;
      assert.equal(await credited(t, plans.A.id, 'receivable.principal'), 600000);
      assert.equal(await credited(t, plans.A.id, 'receivable.penalty'), 20 * 24);
      const writeoff = await t.deps.db.selectFrom('postings').select(['debit_account', 'amount_fen']).where('plan_id', '=', plans.A.id)
        .where('business_date', '=', '2026-03-02').where('debit_account', 'in', ['expense.writeoff', 'unearned.interest']).execute();
      const by = (acc: string) => writeoff.filter((p) => p.debit_account === acc).reduce((s, p) => s + p.amount_fen, 0);
      assert.equal(by('expense.writeoff'), 600000 + 6000 + 20 * 24);
      assert.equal(by('unearned.interest'), futureInterest);
      assert.equal((await planRow(t, plans.B.id)).status, 'active');
      await ledgerOk();
      await closeTo(t, '2026-03-03');
      assert.equal(await credited(t, plans.A.id, 'income.penalty', '2026-03-03'), 0, 'a written-off plan accrues nothing');
    });
  });

  describe(`leap day on ${target.name}`, () => {
    let t: TestApp;
    after(async () => { await t.close(); });

    it('grace runs out on 2028-02-29: four days posted that day, then one a day', async () => {
      t = await startTestApp(target, { dueDay: 25 }, '2028-01-05');
      const store = await seedTestStore(t);
      const plan = await checkout(t, store, '13900000077', 'ei-12', '6000.00', 'leap-1');
      assert.equal(plan.installments[0].dueDate, '2028-02-25');
      await closeTo(t, '2028-02-28');
      assert.equal((await installment(t, plan.id, 1)).penalty_fen, 0);
      await closeTo(t, '2028-02-29');
      assert.equal(await credited(t, plan.id, 'income.penalty', '2028-02-29'), 4 * 24, 'Feb 26, 27, 28, 29');
      await closeTo(t, '2028-03-01');
      assert.equal((await installment(t, plan.id, 1)).penalty_fen, 5 * 24);
      assert.equal((await planRow(t, plan.id)).days_past_due, 5);
      const r = await checkLedger(t.deps.db);
      assert.ok(r.ok, JSON.stringify(r.failures));
    });
  });
}
