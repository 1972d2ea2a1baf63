import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, type TestStore } from '../support/store.ts';
import { eodTarget, parseEodAt } from '../../src/core/close/eod-schedule.ts';
import { eodTicker } from '../../src/app/close/eod-scheduler.ts';
import { closeDate } from '../../src/app/close/close-date.ts';
import { afterPlanSteps, type CloseDateStep } from '../../src/app/close/date-steps.ts';
import { billReadyStep } from '../../src/app/close/bill-ready-step.ts';
import { TEST_CLOSE } from './support.ts';

it('the scheduled close: due once the minute has passed in Shanghai, for every date before today', () => {
  const at = parseEodAt('00:30')!;
  assert.equal(parseEodAt('24:00'), null);
  assert.equal(eodTarget(new Date('2026-01-05T16:29:00Z'), at, '2026-01-05'), null, '00:29 on the 6th: the 5th waits');
  assert.equal(eodTarget(new Date('2026-01-06T16:29:00Z'), at, '2026-01-05'), '2026-01-05', '00:29 on the 7th: a missed 5th is caught up, the 6th waits');
  assert.equal(eodTarget(new Date('2026-01-06T16:30:00Z'), at, '2026-01-05'), '2026-01-06');
  assert.equal(eodTarget(new Date('2026-01-06T16:30:00Z'), at, '2026-01-07'), null, 'already closed through the 6th');
});

for (const target of testDatabases()) {
  describe(`scheduler, whole-date steps and bill_ready on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    let one: any, two: any, other: any;
    before(async () => {
      t = await startTestApp(target);
      store = await seedTestStore(t);
      one = await checkout(t, store, '13600000001', 'ei-12', '6000.00', 'steps-1');
      two = await checkout(t, store, '13600000001', 'fee-12', '1200.00', 'steps-2');
      other = await checkout(t, store, '13600000002', 'ei-12', '3000.00', 'steps-3');
      assert.equal(one.customerId, two.customerId);
    });
    after(async () => { await t.close(); });

    it('the ticker closes every date before today at the configured minute, once, with the ManualClock', async () => {
      const tick = eodTicker(t.deps, { atMinute: parseEodAt('00:30')!, options: TEST_CLOSE });
      t.clock.set(new Date('2026-01-05T16:00:00Z'));
      assert.equal(await tick(), null, '00:00 on the 6th in Shanghai');
      t.clock.set(new Date('2026-01-06T16:31:00Z'));
      const [first, overlapping] = await Promise.all([tick(), tick()]);
      assert.deepEqual(first?.runs.map((r) => [r.businessDate, r.status]), [['2026-01-05', 'done'], ['2026-01-06', 'done']]);
      assert.equal(overlapping, null, 'a tick while one runs does nothing');
      assert.equal(await t.deps.calendar.today(), '2026-01-07');
      assert.equal(await tick(), null);
      const run = first!.runs[1]!;
      assert.deepEqual(run.steps.map((s) => [s.name, s.phase]).filter(([n]) => n === 'outage_protection' || n === 'bill_ready').sort(), [['bill_ready', 'after'], ['outage_protection', 'before']]);
    });

    it('an after-step that fails keeps the next date closed; the retry runs it again, then never', async () => {
      let calls = 0;
      const flaky: CloseDateStep = { name: 'test_flaky', async run() { calls += 1; if (calls === 1) throw new Error('crash'); return { flaky: calls }; } };
      afterPlanSteps.push(flaky);
      try {
        await assert.rejects(closeDate(t.deps, '2026-01-07', TEST_CLOSE), /crash/);
        assert.equal(await t.deps.calendar.today(), '2026-01-07');
        const run = await closeDate(t.deps, '2026-01-07', TEST_CLOSE);
        assert.equal(run.status, 'done');
        assert.equal(run.counts.flaky, 2);
        await closeDate(t.deps, '2026-01-07', TEST_CLOSE);
        assert.equal(calls, 2);
      } finally {
        afterPlanSteps.splice(afterPlanSteps.indexOf(flaky), 1);
      }
    });

    it('on the statement day one bill_ready notice per customer bill, however many plans, and a re-run adds none', async () => {
      t.clock.set(new Date('2026-01-31T17:00:00Z'));
      await eodTicker(t.deps, { atMinute: 0, options: TEST_CLOSE })();
      assert.equal(await t.deps.calendar.today(), '2026-02-01');
      const notices = async () => t.deps.db.selectFrom('notices').select(['customer_id', 'due_date', 'business_date', 'next_attempt_at'])
        .where('kind', '=', 'bill_ready').orderBy('customer_id').execute();
      const rows = await notices();
      assert.deepEqual(rows.map((r) => [r.customer_id, r.due_date, r.business_date]).sort(),
        [[one.customerId, '2026-02-10', '2026-01-31'], [other.customerId, '2026-02-10', '2026-01-31']].sort());
      assert.ok(rows.every((r) => new Date(r.next_attempt_at) >= new Date('2026-01-31T16:00:00Z')), 'not before the statement day starts in Shanghai');
      await billReadyStep.run(t.deps, '2026-01-31');
      assert.equal((await notices()).length, 2);
    });
  });
}
