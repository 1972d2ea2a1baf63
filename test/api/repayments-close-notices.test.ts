import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { runBatch, type RepaymentRequest } from '../../src/app/servicing/batch/repayment-batcher.ts';
import { accruals, closeTo, installment } from '../close/support.ts';

async function noticesOf(t: TestApp, customerId: string) {
  return t.deps.db.selectFrom('notices').select(['kind', 'plan_id', 'facts', 'dedup_key', 'business_date']).where('customer_id', '=', customerId)
    .where('kind', 'in', ['payment_received', 'plan_paid_off']).orderBy('created_at').orderBy('kind').execute();
}

const ledgerOk = async (t: TestApp) => { const r = await checkLedger(t.deps.db); assert.ok(r.ok, JSON.stringify(r.failures)); };

/**
 * A repayment first brings its plans up to date through the day before (the closes it missed,
 * with the close's own code), and it tells the customer: a receipt, and a paid-off notice.
 * ¥6000 over 12 at 12% (ei-12), first due 2026-02-10, 3 days' grace, then 0.05% a day on
 * overdue principal from the due date: one day's penalty on installment 1 (473.09 principal)
 * is 24 fen (see test/close/daily-close.test.ts).
 */
for (const target of testDatabases()) {
  describe(`repayments after missed closes, and their notices, on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    before(async () => {
      t = await startTestApp(target);
      store = await seedTestStore(t);
    });
    after(async () => { await t.close(); });

    it('posts the late charges of the missed closes first, so the repayment pays them, and the close later finds them done', async () => {
      const late = await checkout(t, store, '13800000001', 'ei-12', '6000.00', 'rc-late');
      const other = await checkout(t, store, '13800000002', 'ei-12', '6000.00', 'rc-other');
      const closed = await closeTo(t, '2026-02-10');
      assert.ok(closed.runs.every((r) => r.status === 'done'));
      // Closes of 2026-02-11 … 2026-02-15 are missed.
      await t.setBusinessDate('2026-02-16');
      const token = await sessionFor(t, late.customerId);
      const r = await t.api('POST', '/v1/me/repayments', { token, key: 'rc-1', body: { kind: 'installment', planId: late.id, installmentNumber: 1, amount: '534.29' } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.applied, '534.29', '533.09 due plus 5 days of penalty (Feb 11–15)');
      assert.equal(r.body.toCreditBalance, '0.00');
      assert.ok(r.body.plans[0].allocations.some((a: any) => a.component === 'penalty' && a.amount === '1.20'), JSON.stringify(r.body.plans[0].allocations));
      const paid = await installment(t, late.id, 1);
      assert.deepEqual([paid.penalty_fen, paid.paid_penalty_fen], [120, 120]);
      assert.equal(paid.settled_on, '2026-02-16');
      assert.equal((await installment(t, other.id, 1)).penalty_fen, 0, 'only the repaying customer is brought up to date');

      // Tonight's close charges the payment day itself (as it does for any payment after grace) and nothing twice.
      await closeTo(t, '2026-02-16');
      assert.equal((await installment(t, late.id, 1)).penalty_fen, 144, 'Feb 11–16');
      const charges = (await accruals(t, late.id)).filter((a) => a.step === 'charges');
      assert.deepEqual(charges.map((a) => a.business_date), ['2026-02-14', '2026-02-15', '2026-02-16'], 'one charges row per day');
      await ledgerOk(t);
    });

    it('when the close is up to date it charges nothing more for the day', async () => {
      const plan = await checkout(t, store, '13800000003', 'ei-12', '6000.00', 'rc-current');
      const before = (await accruals(t, plan.id)).length;
      const token = await sessionFor(t, plan.customerId);
      const r = await t.api('POST', '/v1/me/repayments', { token, key: 'rc-2', body: { kind: 'amount', planId: plan.id, amount: '10.00' } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal((await accruals(t, plan.id)).length, before, 'no close work inline: the last close is the day before');
    });

    it('enqueues a receipt per repayment and a paid-off notice per plan paid off, once, in the same transaction', async () => {
      const plan = await checkout(t, store, '13800000004', 'fee-12', '1200.00', 'rc-notice');
      const token = await sessionFor(t, plan.customerId);
      const today = await t.deps.calendar.today();
      const first = await t.api('POST', '/v1/me/repayments', { token, key: 'rn-1', body: { kind: 'amount', planId: plan.id, amount: '50.00' } });
      assert.equal(first.status, 201, JSON.stringify(first.body));
      const replay = await t.api('POST', '/v1/me/repayments', { token, key: 'rn-1', body: { kind: 'amount', planId: plan.id, amount: '50.00' } });
      assert.equal(replay.headers['idempotent-replayed'], 'true');
      let notices = await noticesOf(t, plan.customerId);
      assert.deepEqual(notices.map((n) => [n.kind, n.dedup_key, n.facts]), [
        ['payment_received', `payment_received:ref:${first.body.id}`, { amountFen: 5000, paidOn: today }],
      ]);

      const bad = await t.api('POST', '/v1/me/repayments', { token, key: 'rn-2', body: { kind: 'payoff', planId: plan.id, amount: '1.00' } });
      assert.equal(bad.status, 422);
      assert.equal((await noticesOf(t, plan.customerId)).length, 1, 'a refused repayment tells nothing');

      const off = await t.api('POST', '/v1/me/repayments', { token, key: 'rn-3', body: { kind: 'payoff', planId: plan.id, amount: '2000.00' } });
      assert.equal(off.status, 201, JSON.stringify(off.body));
      notices = await noticesOf(t, plan.customerId);
      assert.deepEqual(notices.slice(1).map((n) => [n.kind, n.plan_id, n.facts]), [
        ['payment_received', null, { amountFen: 200000, paidOn: today }],
        ['plan_paid_off', plan.id, {}],
      ]);

      // Spending the credit balance is not a payment received: no receipt.
      const again = await checkout(t, store, '13800000004', 'fee-12', '600.00', 'rc-notice-2');
      const spend = await t.api('POST', '/v1/me/repayments', { token, key: 'rn-4', body: { kind: 'amount', planId: again.id, amount: '1.00', channel: 'credit_balance' } });
      assert.equal(spend.status, 201, JSON.stringify(spend.body));
      assert.equal((await noticesOf(t, plan.customerId)).length, 3);
      await ledgerOk(t);
    });

    it('a batch enqueues every request\'s notices and none for the requests that failed', async () => {
      const a = await checkout(t, store, '13800000005', 'fee-12', '600.00', 'rc-batch-a');
      const b = await checkout(t, store, '13800000006', 'fee-12', '600.00', 'rc-batch-b');
      const request = (customerId: string, key: string, target: RepaymentRequest['input']['target'], amount: number): RepaymentRequest => ({
        actor: { kind: 'customer', id: customerId }, idempotency: { scope: `customer:${customerId}`, key, fingerprint: key },
        input: { customerId, target, amount, channel: 'sandbox' },
      });
      const out = await runBatch(t.deps, [
        request(a.customerId, 'nb-1', { kind: 'amount', planId: a.id }, 1000),
        request(b.customerId, 'nb-2', { kind: 'payoff', planId: b.id }, 100),
        request(a.customerId, 'nb-3', { kind: 'payoff', planId: a.id }, 100_000),
        request(b.customerId, 'nb-4', { kind: 'amount', planId: b.id }, 2000),
      ], (v) => ({ status: 201, body: { id: v.repaymentId } }));
      assert.deepEqual(out.map((o) => o.ok), [true, false, true, true]);
      assert.deepEqual((await noticesOf(t, a.customerId)).map((n) => [n.kind, (n.facts as any).amountFen ?? null]).sort(),
        [['payment_received', 1000], ['payment_received', 100_000], ['plan_paid_off', null]].sort());
      assert.deepEqual((await noticesOf(t, b.customerId)).map((n) => [n.kind, (n.facts as any).amountFen]), [['payment_received', 2000]]);
      await ledgerOk(t);
    });
  });
}
