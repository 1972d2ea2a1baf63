import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, sessionFor } from '../support/store.ts';

/** The read side after real repayments: a bill paid with a little extra, then the fee plan paid off early. */
for (const target of testDatabases()) {
  describe(`the customer's read side after repayments on ${target.name}`, () => {
    let t: TestApp;
    let token: string;
    let feePlan: any, freePlan: any;
    const get = (url: string) => t.api('GET', url, { token });
    const pay = (body: object, key: string) => t.api('POST', '/v1/me/repayments', { token, key, body });
    before(async () => {
      t = await startTestApp(target);
      const store = await seedTestStore(t);
      feePlan = await checkout(t, store, '13800138000', 'fee-12', '6000.00', 'A-1');
      freePlan = await checkout(t, store, '13800138000', 'free-3', '3000.00', 'A-2');
      await t.setBusinessDate('2026-02-05');
      token = await sessionFor(t, feePlan.customerId);
    });
    after(async () => { await t.close(); });

    it('shows a paid bill, the line restored and the overpayment as credit balance', async () => {
      const r = await pay({ kind: 'bill', dueDate: '2026-02-10', amount: '1546.00' }, 'bill-1');
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const bill = (await get('/v1/me/bills/2026-02-10')).body;
      assert.deepEqual([bill.status, bill.total, bill.paid, bill.outstanding, bill.daysUntilDue], ['paid', '1536.00', '1536.00', '0.00', 5]);
      assert.deepEqual(bill.items.map((i: any) => i.status), ['paid', 'paid']);
      assert.deepEqual((await get('/v1/me/bills?status=paid')).body.bills.map((b: any) => b.dueDate), ['2026-02-10']);
      const current = (await get('/v1/me/bills/current')).body;
      assert.deepEqual([current.bill.dueDate, current.bill.status, current.totalToPay], ['2026-03-10', 'upcoming', '1536.00']);
      const line = (await get('/v1/me/credit-line')).body;
      assert.deepEqual([line.used, line.available, line.creditBalance], ['7500.00', '12500.00', '10.00']);
    });

    it('quotes the payoff, and the payoff takes exactly the quoted total', async () => {
      const quote = (await get(`/v1/me/plans/${feePlan.id}/payoff-quote`)).body;
      assert.deepEqual([quote.validOn, quote.total, quote.collect.principal, quote.waived.fee, quote.saves], ['2026-02-05', '5500.00', '5500.00', '396.00', '396.00']);
      t.clock.advance(60_000);
      const r = await pay({ kind: 'payoff', planId: feePlan.id, amount: quote.total }, 'payoff-1');
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.deepEqual(r.body.paidOffPlanIds, [feePlan.id]);
      const after = await get(`/v1/me/plans/${feePlan.id}/payoff-quote`);
      assert.deepEqual([after.status, after.body.code], [422, 'plan_not_active']);
    });

    it('keeps a paid-off plan in the bills as history', async () => {
      assert.deepEqual((await get('/v1/me/plans?status=paid_off')).body.plans.map((p: any) => p.id), [feePlan.id]);
      const bills = (await get('/v1/me/bills')).body.bills;
      assert.equal(bills.length, 12);
      const march = bills[1];
      assert.deepEqual([march.total, march.paid, march.waived, march.outstanding, march.status], ['1536.00', '500.00', '36.00', '1000.00', 'upcoming']);
      assert.deepEqual(march.items.map((i: any) => [i.planId, i.status]), [[feePlan.id, 'paid'], [freePlan.id, 'upcoming']]);
      assert.ok(bills.slice(3).every((b: any) => b.status === 'paid' && b.outstanding === '0.00' && b.waived === '36.00'));
      assert.equal((await get('/v1/me/credit-line')).body.used, '2000.00');
    });

    it('lists both repayments newest first with where every fen went', async () => {
      const r = await get('/v1/me/repayments');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const [payoff, bill] = r.body.items;
      assert.equal(r.body.items.length, 2);
      assert.deepEqual([payoff.kind, payoff.amount, payoff.applied, payoff.toCreditBalance, payoff.channel, payoff.status, payoff.businessDate],
        ['payoff', '5500.00', '5500.00', '0.00', 'sandbox', 'posted', '2026-02-05']);
      const fen = (parts: any[]) => parts.flatMap((p) => p.allocations).reduce((s: number, a: any) => s + Math.round(Number(a.amount) * 100), 0);
      assert.deepEqual([payoff.plans.map((p: any) => p.planId), fen(payoff.plans), fen(payoff.waived)], [[feePlan.id], 550000, 39600]);
      assert.ok(payoff.waived[0].allocations.every((a: any) => a.component === 'fee' && a.amount === '36.00'));
      assert.deepEqual([bill.kind, bill.amount, bill.applied, bill.toCreditBalance, fen(bill.plans)], ['bill', '1546.00', '1536.00', '10.00', 153600]);
      assert.deepEqual(bill.plans.map((p: any) => p.planId).sort(), [feePlan.id, freePlan.id].sort());
      assert.equal(r.body.nextCursor, null);
    });
  });
}
