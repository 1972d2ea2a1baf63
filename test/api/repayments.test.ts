import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';

async function line(t: TestApp, customerId: string) {
  return t.deps.db.selectFrom('credit_lines').selectAll().where('customer_id', '=', customerId).executeTakeFirstOrThrow();
}

for (const target of testDatabases()) {
  describe(`repayments over HTTP on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    let plan: any;
    let token: string;
    before(async () => {
      t = await startTestApp(target);
      store = await seedTestStore(t);
      plan = await checkout(t, store, '13900139000', 'fee-12', '6000.00', 'R-1');
      token = await sessionFor(t, plan.customerId);
    });
    after(async () => { await t.close(); });

    const pay = (body: object, key: string, tok = token) => t.api('POST', '/v1/me/repayments', { token: tok, key, body });

    it('repays one installment: fee first, then principal, and restores the line at once', async () => {
      assert.equal(plan.installments[0].total, '536.00');
      const r = await pay({ kind: 'installment', planId: plan.id, installmentNumber: 1, amount: '536.00' }, 'p1');
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.deepEqual(r.body.plans[0].allocations, [
        { installmentNumber: 1, component: 'fee', amount: '36.00' },
        { installmentNumber: 1, component: 'principal', amount: '500.00' },
      ]);
      assert.equal((await line(t, plan.customerId)).used_fen, 550000);
    });

    it('pays the current bill and keeps the overpayment as credit balance', async () => {
      const r = await pay({ kind: 'bill', amount: '600.00' }, 'p2');
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.applied, '536.00');
      assert.equal(r.body.toCreditBalance, '64.00');
      assert.equal(r.body.plans[0].allocations[0].installmentNumber, 2);
      assert.equal((await line(t, plan.customerId)).credit_balance_fen, 6400);
    });

    it('spends the credit balance on the next installment', async () => {
      const r = await pay({ kind: 'amount', planId: plan.id, amount: '64.00', channel: 'credit_balance' }, 'p3');
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.deepEqual(r.body.plans[0].allocations, [
        { installmentNumber: 3, component: 'fee', amount: '36.00' },
        { installmentNumber: 3, component: 'principal', amount: '28.00' },
      ]);
      const l = await line(t, plan.customerId);
      assert.equal(l.credit_balance_fen, 0);
      assert.equal(l.used_fen, 497200);
    });

    it('pays the plan off early with future fees waived, then a reversal re-opens exactly that', async () => {
      const short = await pay({ kind: 'payoff', planId: plan.id, amount: '4971.99' }, 'p4');
      assert.equal(short.status, 422);
      assert.equal(short.body.code, 'payoff_amount_insufficient');
      const r = await pay({ kind: 'payoff', planId: plan.id, amount: '5000.00' }, 'p5');
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.applied, '4972.00');
      assert.equal(r.body.toCreditBalance, '28.00');
      assert.deepEqual(r.body.paidOffPlanIds, [plan.id]);
      const waivedFees = r.body.waived[0].allocations.filter((a: any) => a.component === 'fee');
      assert.equal(waivedFees.length, 9);
      assert.equal((await line(t, plan.customerId)).used_fen, 0);
      assert.ok((await checkLedger(t.deps.db)).ok);

      const rev = await t.api('POST', `/v1/admin/customers/${plan.customerId}/repayments/${r.body.id}/reverse`, { token: t.adminToken, body: { reason: 'settlement failed' } });
      assert.equal(rev.status, 200, JSON.stringify(rev.body));
      const again = await t.api('POST', `/v1/admin/customers/${plan.customerId}/repayments/${r.body.id}/reverse`, { token: t.adminToken, body: { reason: 'settlement failed' } });
      assert.equal(again.body.code, 'repayment_already_reversed');
      const l = await line(t, plan.customerId);
      assert.equal(l.used_fen, 497200);
      assert.equal(l.credit_balance_fen, 0);
      const p = await t.deps.db.selectFrom('plans').select('status').where('id', '=', plan.id).executeTakeFirstOrThrow();
      assert.equal(p.status, 'active');
      const report = await checkLedger(t.deps.db);
      assert.ok(report.ok, JSON.stringify(report.failures));
    });

    it('lets staff waive a fee with a reason and records a bank transfer', async () => {
      const w = await t.api('POST', `/v1/admin/customers/${plan.customerId}/plans/${plan.id}/waivers`, {
        token: t.adminToken, body: { installmentNumber: 4, component: 'fee', amount: '36.00', reason: 'goodwill' },
      });
      assert.equal(w.status, 201, JSON.stringify(w.body));
      const tooMuch = await t.api('POST', `/v1/admin/customers/${plan.customerId}/plans/${plan.id}/waivers`, {
        token: t.adminToken, body: { installmentNumber: 4, component: 'fee', amount: '0.01', reason: 'goodwill' },
      });
      assert.equal(tooMuch.body.code, 'waiver_invalid');
      const bank = await t.api('POST', `/v1/admin/customers/${plan.customerId}/repayments`, {
        token: t.adminToken, key: 'bank-1', body: { kind: 'installment', planId: plan.id, installmentNumber: 4, amount: '500.00', channel: 'bank', externalRef: 'ICBC-1' },
      });
      assert.equal(bank.status, 201, JSON.stringify(bank.body));
      assert.ok((await checkLedger(t.deps.db)).ok);
    });

    it('refuses bad repayment requests with a stable code and changes nothing', async () => {
      const other = await checkout(t, store, '13900139001', 'free-3', '300.00', 'R-2');
      const before = await checkLedger(t.deps.db);
      const cases: [object, string | undefined, number, string][] = [
        [{ kind: 'bill', amount: '1.234' }, 'b1', 400, 'validation_failed'],
        [{ kind: 'bill', amount: '-5.00' }, 'b2', 400, 'amount_invalid'],
        [{ kind: 'bill', amount: '0' }, 'b3', 400, 'amount_invalid'],
        [{ kind: 'bill', amount: 10 }, 'b4', 400, 'validation_failed'],
        [{ kind: 'bill', amount: '99999999999999999' }, 'b5', 400, 'validation_failed'],
        [{ kind: 'installment', amount: '1.00' }, 'b6', 400, 'validation_failed'],
        [{ kind: 'installment', planId: plan.id, installmentNumber: 99, amount: '1.00' }, 'b7', 400, 'validation_failed'],
        [{ kind: 'installment', planId: other.id, installmentNumber: 1, amount: '1.00' }, 'b8', 404, 'plan_not_found'],
        [{ kind: 'payoff', planId: '0192f0c8-5c2a-7000-8000-000000000001', amount: '1.00' }, 'b9', 404, 'plan_not_found'],
        [{ kind: 'magic', amount: '1.00' }, 'b10', 400, 'validation_failed'],
        [{ kind: 'bill', amount: '1.00', channel: 'credit_balance' }, 'b11', 422, 'credit_balance_insufficient'],
        [{ kind: 'bill', amount: '1.00' }, undefined, 400, 'validation_failed'],
      ];
      for (const [body, key, status, code] of cases) {
        const r = await t.api('POST', '/v1/me/repayments', { token, ...(key ? { key } : {}), body });
        assert.equal(r.status, status, `${JSON.stringify(body)} → ${JSON.stringify(r.body)}`);
        assert.equal(r.body.code, code, JSON.stringify(body));
      }
      assert.equal((await t.api('POST', '/v1/me/repayments', { key: 'x', body: { kind: 'bill', amount: '1.00' } })).status, 401);
      assert.equal((await t.api('POST', '/v1/me/repayments', { token: store.merchantToken, key: 'x', body: { kind: 'bill', amount: '1.00' } })).status, 403);
      const after = await checkLedger(t.deps.db);
      assert.deepEqual(after.counts, { ...before.counts });
    });

    it('replays a repayment for the same key and refuses the key with other parameters', async () => {
      const body = { kind: 'installment', planId: plan.id, installmentNumber: 5, amount: '100.00' };
      const a = await pay(body, 'same');
      const b = await pay(body, 'same');
      assert.equal(a.status, 201);
      assert.deepEqual(b.body, a.body);
      const c = await pay({ ...body, amount: '100.01' }, 'same');
      assert.equal(c.status, 409);
      assert.equal(c.body.code, 'idempotency_key_reused');
      const count = await t.deps.db.selectFrom('repayments').select((eb) => eb.fn.countAll<number>().as('n')).where('id', '=', a.body.id).executeTakeFirstOrThrow();
      assert.equal(Number(count.n), 1);
    });

    it('refunds the credit balance', async () => {
      await pay({ kind: 'installment', planId: plan.id, installmentNumber: 6, amount: '600.00' }, 'over');
      const refund = await t.api('POST', '/v1/me/credit-balance/refund', { token, key: 'rf1', body: {} });
      assert.equal(refund.status, 201, JSON.stringify(refund.body));
      assert.equal(refund.body.amount, '64.00');
      assert.equal((await line(t, plan.customerId)).credit_balance_fen, 0);
      const report = await checkLedger(t.deps.db);
      assert.ok(report.ok, JSON.stringify(report.failures));
    });
  });
}
