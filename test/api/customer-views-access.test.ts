import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, sessionFor, type TestStore } from '../support/store.ts';

const UNKNOWN_PLAN = '0192f0c8-5c2a-7000-8000-000000000001';

for (const target of testDatabases()) {
  describe(`the customer's read side: access and bad input on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    let planA: any, planB: any;
    let tokenA: string, tokenB: string;
    before(async () => {
      t = await startTestApp(target);
      store = await seedTestStore(t);
      planA = await checkout(t, store, '13800138000', 'fee-12', '6000.00', 'A-1');
      planB = await checkout(t, store, '13900139000', 'free-12', '1200.00', 'B-1');
      tokenA = await sessionFor(t, planA.customerId);
      tokenB = await sessionFor(t, planB.customerId);
    });
    after(async () => { await t.close(); });

    const endpoints = () => [
      '/v1/me/credit-line', '/v1/me/plans', `/v1/me/plans/${planA.id}`, `/v1/me/plans/${planA.id}/payoff-quote`,
      '/v1/me/bills', '/v1/me/bills/current', '/v1/me/bills/2026-02-10', '/v1/me/repayments',
    ];

    it('answers 401 without a session and 403 to merchant and staff keys', async () => {
      for (const url of endpoints()) {
        const none = await t.api('GET', url);
        assert.equal(none.status, 401, url);
        assert.equal(none.body.code, 'unauthorized');
        assert.equal(none.headers['content-type'], 'application/problem+json; charset=utf-8');
        const bogus = await t.api('GET', url, { token: 'fqs_not-a-session' });
        assert.equal(bogus.status, 401, url);
        for (const token of [store.merchantToken, t.adminToken]) {
          const r = await t.api('GET', url, { token });
          assert.equal(r.status, 403, `${url}: ${JSON.stringify(r.body)}`);
          assert.equal(r.body.code, 'forbidden');
        }
      }
    });

    it("answers 404 for another customer's plan exactly as for a plan that does not exist", async () => {
      for (const suffix of ['', '/payoff-quote']) {
        const theirs = await t.api('GET', `/v1/me/plans/${planA.id}${suffix}`, { token: tokenB });
        const nobody = await t.api('GET', `/v1/me/plans/${UNKNOWN_PLAN}${suffix}`, { token: tokenB });
        assert.equal(theirs.status, 404, JSON.stringify(theirs.body));
        assert.equal(theirs.body.code, 'plan_not_found');
        assert.deepEqual(theirs.body, nobody.body, 'nothing tells the two apart');
      }
      const own = await t.api('GET', `/v1/me/plans/${planB.id}`, { token: tokenB });
      assert.equal(own.status, 200);
    });

    it('shows each customer only their own plans, bills and credit line', async () => {
      const plans = await t.api('GET', '/v1/me/plans', { token: tokenB });
      assert.deepEqual(plans.body.plans.map((p: any) => p.id), [planB.id]);
      const bills = await t.api('GET', '/v1/me/bills', { token: tokenB });
      assert.equal(bills.body.bills.length, 12);
      assert.ok(bills.body.bills.every((b: any) => b.items.length === 1 && b.items[0].planId === planB.id && b.total === '100.00'));
      const line = await t.api('GET', '/v1/me/credit-line', { token: tokenB });
      assert.equal(line.body.used, '1200.00');
      const billA = await t.api('GET', '/v1/me/bills/2026-02-10', { token: tokenA });
      assert.deepEqual(billA.body.items.map((i: any) => i.planId), [planA.id]);
    });

    it('refuses malformed ids, dates, filters and paging with a 4xx problem', async () => {
      const cases: [string, number, string][] = [
        ['/v1/me/plans/not-a-uuid', 400, 'validation_failed'],
        ['/v1/me/plans/not-a-uuid/payoff-quote', 400, 'validation_failed'],
        ['/v1/me/plans?status=open', 400, 'validation_failed'],
        ['/v1/me/bills?status=late', 400, 'validation_failed'],
        ['/v1/me/bills/2026-02-30', 400, 'date_invalid'],
        ['/v1/me/bills/20260210', 400, 'validation_failed'],
        ['/v1/me/bills/2026-02-11', 404, 'bill_not_found'],
        ['/v1/me/repayments?limit=0', 400, 'validation_failed'],
        ['/v1/me/repayments?limit=101', 400, 'validation_failed'],
        ['/v1/me/repayments?limit=-1', 400, 'validation_failed'],
        ['/v1/me/repayments?limit=1.5', 400, 'validation_failed'],
        ['/v1/me/repayments?cursor=garbage', 400, 'validation_failed'],
        [`/v1/me/repayments?cursor=${Buffer.from('["x","y"]').toString('base64url')}`, 400, 'validation_failed'],
      ];
      for (const [url, status, code] of cases) {
        const r = await t.api('GET', url, { token: tokenA });
        assert.equal(r.status, status, `${url} → ${JSON.stringify(r.body)}`);
        assert.equal(r.body.code, code, url);
      }
    });

    it('answers an empty repayment history in its page shape', async () => {
      const r = await t.api('GET', '/v1/me/repayments?limit=5', { token: tokenA });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body, { items: [], nextCursor: null });
    });

    it('pages repayment history newest first with allocations per plan (rows stand in for posted repayments)', async () => {
      // The repayment use case is being written beside this; these rows have the shape it writes.
      const insert = async (customerId: string, planId: string, id: string, at: string, amount: number) => {
        await t.deps.db.insertInto('repayments').values({
          customer_id: customerId, id, plan_id: null, kind: 'bill', amount_fen: amount, applied_fen: amount - 100, to_credit_balance_fen: 100,
          channel: 'sandbox', external_ref: null, status: 'posted', business_date: at.slice(0, 10), created_at: new Date(at), reversed_at: null, reversal_reason: null,
        }).execute();
        await t.deps.db.insertInto('allocations').values([
          { customer_id: customerId, repayment_id: id, seq: 0, plan_id: planId, installment_number: 1, component: 'fee', amount_fen: 3600 },
          { customer_id: customerId, repayment_id: id, seq: 1, plan_id: planId, installment_number: 1, component: 'principal', amount_fen: amount - 3700 },
        ]).execute();
      };
      const ids = ['0192f0c8-0000-7000-8000-00000000000a', '0192f0c8-0000-7000-8000-00000000000b', '0192f0c8-0000-7000-8000-00000000000c'];
      await insert(planA.customerId, planA.id, ids[0]!, '2026-01-06T02:00:00.000Z', 10000);
      await insert(planA.customerId, planA.id, ids[1]!, '2026-01-07T02:00:00.000Z', 20000);
      await insert(planA.customerId, planA.id, ids[2]!, '2026-01-07T02:00:00.000Z', 30000);
      await insert(planB.customerId, planB.id, '0192f0c8-0000-7000-8000-00000000000d', '2026-01-08T02:00:00.000Z', 40000);
      const first = await t.api('GET', '/v1/me/repayments?limit=2', { token: tokenA });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.deepEqual(first.body.items.map((r: any) => r.id), [ids[2], ids[1]], 'newest first; equal times by id');
      assert.deepEqual(first.body.items[0], {
        id: ids[2], kind: 'bill', amount: '300.00', applied: '299.00', toCreditBalance: '1.00', charges: '0.00', channel: 'sandbox', status: 'posted',
        businessDate: '2026-01-07', createdAt: '2026-01-07T02:00:00.000Z', reversedAt: null, reversalReason: null,
        plans: [{ planId: planA.id, allocations: [{ installmentNumber: 1, component: 'fee', amount: '36.00' }, { installmentNumber: 1, component: 'principal', amount: '263.00' }] }],
        waived: [],
      });
      assert.ok(first.body.nextCursor);
      const second = await t.api('GET', `/v1/me/repayments?limit=2&cursor=${first.body.nextCursor}`, { token: tokenA });
      assert.deepEqual([second.body.items.map((r: any) => r.id), second.body.nextCursor], [[ids[0]], null]);
      const theirs = await t.api('GET', '/v1/me/repayments', { token: tokenB });
      assert.deepEqual(theirs.body.items.map((r: any) => r.amount), ['400.00']);
    });

    it('refuses a payoff quote for a plan that is not active', async () => {
      await t.deps.db.updateTable('plans').set({ status: 'cancelled' }).where('customer_id', '=', planB.customerId).where('id', '=', planB.id).execute();
      const r = await t.api('GET', `/v1/me/plans/${planB.id}/payoff-quote`, { token: tokenB });
      assert.equal(r.status, 422, JSON.stringify(r.body));
      assert.equal(r.body.code, 'plan_not_active');
      const bills = await t.api('GET', '/v1/me/bills', { token: tokenB });
      assert.deepEqual(bills.body.bills, [], 'a cancelled plan makes no bills');
      const current = await t.api('GET', '/v1/me/bills/current', { token: tokenB });
      assert.deepEqual([current.body.bill, current.body.totalToPay], [null, '0.00']);
    });

    it('documents every /v1/me endpoint in the OpenAPI document', async () => {
      const doc = (await t.api('GET', '/openapi.json')).body;
      for (const path of ['/v1/me/credit-line', '/v1/me/plans', '/v1/me/plans/{planId}', '/v1/me/plans/{planId}/payoff-quote', '/v1/me/bills', '/v1/me/bills/current', '/v1/me/bills/{dueDate}', '/v1/me/repayments']) {
        const op = doc.paths[path]?.get;
        assert.ok(op, `${path} is documented`);
        assert.ok(op.summary && op.tags.includes('customer'), path);
        assert.ok(op.responses['200'] && op.responses['401'] && op.responses['403'], path);
      }
    });
  });
}
