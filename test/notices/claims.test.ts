import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, type TestStore } from '../support/store.ts';
import { enqueueNotices, type NoticeRequest } from '../../src/app/notices/enqueue-notice.ts';
import { dispatchNotices } from '../../src/app/notices/dispatch-notices.ts';
import { intakeCloseOutbox } from '../../src/app/notices/close-outbox-intake.ts';
import { captureEmail, captureSms, installNotices, shanghai } from './notice-support.ts';

/**
 * The set-based claims and reads of the notice dispatcher (one UPDATE claims due notices by
 * ctid under SKIP LOCKED; one claims close-outbox items; a batch reads only the installments
 * due on its due dates; rows go in as one jsonb parameter). Customer A bought a fee-12 plan
 * on 6000.00 on 2026-01-05 (536.00 a month, due on the 10th) and pays nothing.
 */
for (const target of testDatabases()) {
  describe(`notices: claims and batch reads on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    const sms = captureSms();
    const email = captureEmail();
    let customer: { id: string; plan: string };
    const enqueue = (requests: NoticeRequest[]) => t.run((ctx) => enqueueNotices(ctx.deps, ctx.tx, ctx.at, requests));

    before(async () => {
      t = await startTestApp(target);
      installNotices(t.deps, { sms, email });
      store = await seedTestStore(t);
      const plan = await checkout(t, store, '13800138009', 'fee-12', '6000.00', 'claims-1');
      customer = { id: plan.customerId, plan: plan.id };
    });
    after(async () => { await t.close(); });

    it('claims the earliest due first, leaves the rest pending, and stores facts and channels as JSON', async () => {
      await t.setBusinessDate('2026-02-10');
      const receipt = (ref: string, minutesAgo: number, amountFen: number): NoticeRequest => ({
        kind: 'payment_received', customerId: customer.id, businessDate: '2026-02-10', ref, facts: { amountFen, paidOn: '2026-02-10' },
        notBefore: new Date(t.clock.now().getTime() - minutesAgo * 60_000),
      });
      // Stored now, so each one's next attempt is now: enqueue them apart in time, latest first.
      for (const [ref, amount] of [['r3', 300], ['r1', 100], ['r2', 200]] as const) {
        await enqueue([receipt(ref, 0, amount)]);
        t.clock.advance(1_000);
      }
      const row = await t.deps.db.selectFrom('notices').select(['facts', 'channels']).where('customer_id', '=', customer.id).where('dedup_key', 'like', '%r1%').executeTakeFirstOrThrow();
      assert.deepEqual(row.facts, { amountFen: 100, paidOn: '2026-02-10' });
      assert.ok(Array.isArray(row.channels));
      const before = sms.sent.length;
      const first = await dispatchNotices(t.deps, { batchSize: 2 });
      assert.deepEqual([first.claimed, first.sent], [2, 2]);
      assert.deepEqual(sms.sent.slice(before).map((m) => m.template.params.amount), ['3.00元', '1.00元'], 'earliest due first');
      const pending = await t.deps.db.selectFrom('notices').select('status').where('customer_id', '=', customer.id).where('status', '=', 'pending').execute();
      assert.equal(pending.length, 1);
      assert.deepEqual([(await dispatchNotices(t.deps, { batchSize: 2 })).sent, (await dispatchNotices(t.deps)).claimed], [1, 0]);
    });

    it('a reminder names the amount of its own bill, not the customer\'s other open bills', async () => {
      // By 2026-03-07 the February bill is overdue and unpaid; the March reminder still says 536.00.
      await t.setBusinessDate('2026-03-07');
      t.clock.set(shanghai('2026-03-07 10:00'));
      await enqueue([
        { kind: 'due_in_3_days', customerId: customer.id, businessDate: '2026-03-07', dueDate: '2026-03-10', planId: customer.plan, installmentNumber: 2 },
        { kind: 'overdue_15', customerId: customer.id, businessDate: '2026-03-07', dueDate: '2026-02-10', planId: customer.plan, installmentNumber: 1 },
      ]);
      const before = sms.sent.length;
      assert.equal((await dispatchNotices(t.deps, { batchSize: 10 })).sent, 2);
      const amounts = Object.fromEntries(sms.sent.slice(before).map((m) => [m.template.kind, m.template.params.amount]));
      assert.equal(amounts.due_in_3_days, '536.00元');
      assert.match(amounts.overdue_15 ?? '', /^5\d\d\.\d\d元$/, 'the February bill, late charges included');
    });

    it('two intakes at once take each close-outbox item once', async () => {
      const item = (n: number) => ({
        customer_id: customer.id, plan_id: customer.plan, installment_number: n, kind: 'due_today', business_date: '2026-01-01',
        send_on: '2026-03-07', created_at: t.clock.now(), consumed_at: null,
      });
      // Items for different due dates in name only (the installment number): each its own outbox row, one notice per bill.
      await t.deps.db.insertInto('close_outbox').values([item(5), item(6), item(7)]).execute();
      const reports = await Promise.all([intakeCloseOutbox(t.deps, 1), intakeCloseOutbox(t.deps, 1)]);
      assert.equal(reports.reduce((s, r) => s + r.taken, 0), 3);
      const left = await t.deps.db.selectFrom('close_outbox').select('installment_number').where('customer_id', '=', customer.id).where('consumed_at', 'is', null).execute();
      assert.deepEqual(left, []);
    });
  });
}
