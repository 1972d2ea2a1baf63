import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, sessionFor } from '../support/store.ts';

/**
 * One customer with a fee-12 plan on 6000.00 (500.00 + 36.00 fee a month) and a free-3 plan
 * on 3000.00 (1000.00 a month), both bought on 2026-01-05; statement day 1, due day 10.
 */
for (const target of testDatabases()) {
  describe(`the customer's read side on ${target.name}`, () => {
    let t: TestApp;
    let token: string;
    let feePlan: any, freePlan: any;
    const get = (url: string) => t.api('GET', url, { token });
    /** Moves the business date (and the wall clock with it); sessions last 30 days, so log in again. */
    const travel = async (date: string) => { await t.setBusinessDate(date); token = await sessionFor(t, feePlan.customerId); };
    before(async () => {
      t = await startTestApp(target);
      const store = await seedTestStore(t);
      feePlan = await checkout(t, store, '13800138000', 'fee-12', '6000.00', 'A-1');
      freePlan = await checkout(t, store, '13800138000', 'free-3', '3000.00', 'A-2');
      token = await sessionFor(t, feePlan.customerId);
    });
    after(async () => { await t.close(); });

    it('shows the credit line: both plans use it', async () => {
      const r = await get('/v1/me/credit-line');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body, { total: '20000.00', used: '9000.00', available: '11000.00', frozen: false, frozenReason: null, creditBalance: '0.00' });
      await t.deps.db.updateTable('credit_lines').set({ frozen: true, frozen_reason: '风险复核中' }).where('customer_id', '=', feePlan.customerId).execute();
      const frozen = await get('/v1/me/credit-line');
      assert.deepEqual([frozen.body.frozen, frozen.body.frozenReason, frozen.body.available], [true, '风险复核中', '11000.00']);
      await t.deps.db.updateTable('credit_lines').set({ frozen: false, frozen_reason: null }).where('customer_id', '=', feePlan.customerId).execute();
    });

    it('lists plans newest first with merchant, schedule and the contract in words', async () => {
      const r = await get('/v1/me/plans');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.asOf, '2026-01-05');
      assert.deepEqual(r.body.plans.map((p: any) => p.id), [freePlan.id, feePlan.id]);
      const fee = r.body.plans[1];
      assert.deepEqual([fee.merchantName, fee.status, fee.financed, fee.outstanding, fee.apr, fee.installments.length], ['测试商城', 'active', '6000.00', '6432.00', '13.03', 12]);
      assert.deepEqual([fee.installments[0].dueDate, fee.installments[0].total, fee.installments[0].status], ['2026-02-10', '536.00', 'upcoming']);
      const c = fee.contract;
      assert.deepEqual([c.method, c.methodName['zh-CN'], c.terms, c.annualRate, c.monthlyFeeRate, c.apr, c.graceDays], ['fee-per-period', '分期手续费', 12, null, '0.6', '13.03', 3]);
      assert.equal(c.lateCharges['zh-CN'], '还款日后 3 天内为宽限期，宽限期内还清不收任何费用；超过宽限期仍未还清的，自还款日次日起（含宽限期）按逾期本金每日 0.05% 计收罚息，不计复利。');
      assert.equal(c.earlyPayoff['zh-CN'], '可随时提前还清：未到期的分期手续费全部免收；不收提前还款违约金。');
      assert.equal(c.earlyPayoff.en, 'You may pay off early at any time: fees of installments not yet due are waived; no early-repayment fee.');
      assert.equal(r.body.plans[0].contract.earlyPayoff['zh-CN'], '可随时提前还清：只需归还剩余本金；不收提前还款违约金。');
      const active = await get('/v1/me/plans?status=active');
      assert.equal(active.body.plans.length, 2);
      assert.equal((await get('/v1/me/plans?status=paid_off')).body.plans.length, 0);
      const one = await get(`/v1/me/plans/${feePlan.id}`);
      assert.equal(one.status, 200);
      assert.deepEqual(one.body, fee);
    });

    it('groups both plans into one bill per due date, with exact figures', async () => {
      const r = await get('/v1/me/bills');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const bills = r.body.bills;
      assert.equal(bills.length, 12);
      assert.deepEqual(bills.map((b: any) => b.total), [...Array(3).fill('1536.00'), ...Array(9).fill('536.00')]);
      assert.deepEqual([bills[0].dueDate, bills[3].dueDate, bills[11].dueDate], ['2026-02-10', '2026-05-10', '2027-01-10']);
      assert.deepEqual(bills[0], {
        statementDate: '2026-02-01', dueDate: '2026-02-10', status: 'upcoming', total: '1536.00', paid: '0.00', waived: '0.00', outstanding: '1536.00',
        daysUntilDue: 36, daysPastDue: 0, lateChargesSoFar: '0.00',
        items: [
          { planId: feePlan.id, description: null, installmentNumber: 1, terms: 12, principal: '500.00', interest: '0.00', fee: '36.00', penalty: '0.00', total: '536.00', paid: '0.00', waived: '0.00', outstanding: '536.00', status: 'upcoming' },
          { planId: freePlan.id, description: null, installmentNumber: 1, terms: 3, principal: '1000.00', interest: '0.00', fee: '0.00', penalty: '0.00', total: '1000.00', paid: '0.00', waived: '0.00', outstanding: '1000.00', status: 'upcoming' },
        ],
      });
      const one = await get('/v1/me/bills/2026-03-10');
      assert.equal(one.status, 200);
      assert.deepEqual(one.body, bills[1]);
      assert.equal((await get('/v1/me/bills?status=unpaid')).body.bills.length, 12);
      assert.equal((await get('/v1/me/bills?status=paid')).body.bills.length, 0);
      const current = await get('/v1/me/bills/current');
      assert.equal(current.status, 200, JSON.stringify(current.body));
      assert.deepEqual([current.body.bill.dueDate, current.body.pastDue.outstanding, current.body.totalToPay], ['2026-02-10', '0.00', '1536.00']);
    });

    it('quotes an early payoff as of the business date', async () => {
      const r = await get(`/v1/me/plans/${feePlan.id}/payoff-quote`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(
        [r.body.validOn, r.body.total, r.body.collect.principal, r.body.collect.fee, r.body.waived.fee, r.body.scheduleRemaining, r.body.saves, r.body.earlyRepaymentFee],
        ['2026-01-05', '6000.00', '6000.00', '0.00', '432.00', '6432.00', '432.00', '0.00'],
      );
      assert.deepEqual(r.body.lines.map((l: any) => l.status), ['current', ...Array(11).fill('future')]);
      const free = await get(`/v1/me/plans/${freePlan.id}/payoff-quote`);
      assert.deepEqual([free.body.total, free.body.saves], ['3000.00', '0.00']);
    });

    it('moves the first bill upcoming → open → due → in_grace → overdue with the business date', async () => {
      const seen: unknown[] = [];
      for (const date of ['2026-01-31', '2026-02-01', '2026-02-10', '2026-02-11', '2026-02-13', '2026-02-14']) {
        await travel(date);
        const b = (await get('/v1/me/bills/2026-02-10')).body;
        seen.push([date, b.status, b.daysUntilDue, b.daysPastDue, b.items[0].status]);
      }
      assert.deepEqual(seen, [
        ['2026-01-31', 'upcoming', 10, 0, 'upcoming'],
        ['2026-02-01', 'open', 9, 0, 'upcoming'],
        ['2026-02-10', 'due', 0, 0, 'due'],
        ['2026-02-11', 'in_grace', null, 1, 'in_grace'],
        ['2026-02-13', 'in_grace', null, 3, 'in_grace'],
        ['2026-02-14', 'overdue', null, 4, 'overdue'],
      ]);
    });

    it('carries an overdue bill as pastDue beside this month’s bill, late charges included', async () => {
      // Stands in for the daily close, which posts penalties onto installments (not built yet).
      await t.deps.db.updateTable('installments').set({ penalty_fen: 250 })
        .where('customer_id', '=', feePlan.customerId).where('plan_id', '=', feePlan.id).where('number', '=', 1).execute();
      await travel('2026-03-02');
      const r = await get('/v1/me/bills/current');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual([r.body.bill.dueDate, r.body.bill.status, r.body.bill.outstanding], ['2026-03-10', 'open', '1536.00']);
      assert.deepEqual([r.body.pastDue.outstanding, r.body.pastDue.lateChargesSoFar, r.body.pastDue.daysPastDue], ['1538.50', '2.50', 20]);
      assert.deepEqual(r.body.pastDue.bills.map((b: any) => [b.dueDate, b.status, b.total]), [['2026-02-10', 'overdue', '1538.50']]);
      assert.equal(r.body.totalToPay, '3074.50');
      assert.equal((await get('/v1/me/bills?status=overdue')).body.bills.length, 1);
      const quote = await get(`/v1/me/plans/${feePlan.id}/payoff-quote`);
      // #1 in full with its penalty (538.50) + 5500.00 principal not yet due; 11 fees of 36.00 waived.
      assert.deepEqual([quote.body.validOn, quote.body.total, quote.body.waived.fee, quote.body.saves], ['2026-03-02', '6038.50', '396.00', '396.00']);
    });
  });
}
