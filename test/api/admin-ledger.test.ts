import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { expectRejected, tokenFor, UNKNOWN_ID } from './admin-support.ts';

for (const target of testDatabases()) {
  describe(`admin: ledger and audit log on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    let plan: any;
    let auditor: string;
    before(async () => {
      t = await startTestApp(target);
      store = await seedTestStore(t);
      auditor = await tokenFor(t, 'auditor');
      plan = await checkout(t, store, '13600136000', 'fee-12', '6000.00', 'L-1');
      // A fresh session per payment: moving the business date moves the clock past the last one's expiry.
      const pay = async (n: number, key: string) => t.api('POST', '/v1/me/repayments', { token: await sessionFor(t, plan.customerId), key, body: { kind: 'installment', planId: plan.id, installmentNumber: n, amount: '536.00' } });
      assert.equal((await pay(1, 'l1')).status, 201);
      await t.setBusinessDate('2026-02-10');
      assert.equal((await pay(2, 'l2')).status, 201);
    });
    after(async () => { await t.close(); });
    const books = (url: string) => t.api('GET', url, { token: auditor });
    const line = (body: any, account: string) => body.lines.find((l: any) => l.account === account);

    it('gives a balanced trial balance, as of a date or for a period', async () => {
      const all = await books('/v1/admin/ledger/trial-balance');
      assert.equal(all.status, 200, JSON.stringify(all.body));
      assert.equal(all.body.balanced, true);
      assert.equal(all.body.totals.debit, all.body.totals.credit);
      assert.deepEqual(line(all.body, 'receivable.principal'), { account: 'receivable.principal', name: '应收本金 customer receivable: principal', normalSide: 'debit', debit: '6000.00', credit: '1000.00', balance: '5000.00' });
      assert.equal(line(all.body, 'receivable.fee').balance, '360.00');
      const jan = await books('/v1/admin/ledger/trial-balance?to=2026-01-31');
      assert.equal(line(jan.body, 'receivable.principal').balance, '5500.00');
      const feb = await books('/v1/admin/ledger/trial-balance?from=2026-02-01&to=2026-02-28');
      assert.deepEqual([feb.body.from, feb.body.to, feb.body.balanced], ['2026-02-01', '2026-02-28', true]);
      assert.deepEqual([line(feb.body, 'receivable.principal').debit, line(feb.body, 'receivable.principal').credit], ['0.00', '500.00']);
      assert.equal(line(feb.body, 'partner.funding'), undefined, 'no origination in February');
    });

    it('checks the ledger over everything and over a range', async () => {
      const r = await books('/v1/admin/ledger/check');
      assert.equal(r.status, 200);
      assert.equal(r.body.ok, true, JSON.stringify(r.body.failures));
      assert.equal(r.body.counts.plans, 1);
      assert.ok(Object.values(r.body.failures).every((list: any) => list.length === 0));
      const feb = await books('/v1/admin/ledger/check?from=2026-02-01');
      assert.deepEqual([feb.status, feb.body.range], [200, { from: '2026-02-01' }]);
    });

    it("lists a plan's and a customer's journal entries, whole, oldest first, paged", async () => {
      const r = await books(`/v1/admin/plans/${plan.id}/journal`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body.items.map((e: any) => [e.kind, e.businessDate]), [['plan.originated', '2026-01-05'], ['repayment', '2026-01-05'], ['repayment', '2026-02-10']]);
      const origination = r.body.items[0];
      assert.deepEqual(origination.postings[0], { seq: 0, debitAccount: 'receivable.principal', creditAccount: 'merchant.payable', amount: '6000.00', planId: plan.id });
      const first = await books(`/v1/admin/customers/${plan.customerId}/journal?limit=2`);
      assert.equal(first.body.items.length, 2);
      const rest = await books(`/v1/admin/customers/${plan.customerId}/journal?limit=2&cursor=${first.body.nextCursor}`);
      assert.deepEqual([...first.body.items, ...rest.body.items].map((e: any) => e.entryId), r.body.items.map((e: any) => e.entryId));
      assert.equal(rest.body.nextCursor, null);
    });

    it('reads the audit log by actor, action family and target, newest first, paged', async () => {
      const byMerchant = await books(`/v1/admin/audit-log?actor=merchant:${store.merchantId}`);
      assert.deepEqual(byMerchant.body.items.map((a: any) => a.action), ['plan.create']);
      const products = await books('/v1/admin/audit-log?action=product');
      assert.ok(products.body.items.length >= 10);
      assert.ok(products.body.items.every((a: any) => a.action.startsWith('product.')));
      const page1 = await books('/v1/admin/audit-log?action=product.define&limit=2');
      const page2 = await books(`/v1/admin/audit-log?action=product.define&limit=2&cursor=${page1.body.nextCursor}`);
      assert.ok(page1.body.items[1].id > page2.body.items[0].id, 'newest first across pages');
      const target = await books(`/v1/admin/audit-log?target=plan:${plan.id}`);
      assert.deepEqual(target.body.items.map((a: any) => a.action), ['plan.create']);
      const none = await books('/v1/admin/audit-log?actor=%25');
      assert.deepEqual(none.body.items, [], 'LIKE wildcards in a filter are literal');
    });

    it('refuses bad ranges, unknown ids and roles without access to the books', async () => {
      const agent = await tokenFor(t, 'agent');
      const operator = await tokenFor(t, 'operator');
      await expectRejected(t, [
        { name: 'reversed range', method: 'GET', url: '/v1/admin/ledger/trial-balance?from=2026-03-01&to=2026-02-01', status: 400, code: 'date_invalid' },
        { name: 'not a date', method: 'GET', url: '/v1/admin/ledger/trial-balance?from=yesterday', status: 400, code: 'validation_failed' },
        { name: 'impossible date', method: 'GET', url: '/v1/admin/ledger/check?to=2026-02-30', status: 400, code: 'validation_failed' },
        { name: 'unknown query', method: 'GET', url: '/v1/admin/ledger/check?account=x', status: 400, code: 'validation_failed' },
        { name: 'unknown plan', method: 'GET', url: `/v1/admin/plans/${UNKNOWN_ID}/journal`, status: 404, code: 'plan_not_found' },
        { name: 'unknown customer', method: 'GET', url: `/v1/admin/customers/${UNKNOWN_ID}/journal`, status: 404, code: 'customer_not_found' },
        { name: 'bad cursor', method: 'GET', url: `/v1/admin/plans/${plan.id}/journal?cursor=1`, status: 400, code: 'validation_failed' },
        { name: 'agent reads ledger', method: 'GET', url: '/v1/admin/ledger/trial-balance', token: agent, status: 403, code: 'forbidden' },
        { name: 'operator reads audit log', method: 'GET', url: '/v1/admin/audit-log', token: operator, status: 403, code: 'forbidden' },
        { name: 'merchant reads ledger', method: 'GET', url: '/v1/admin/ledger/check', token: store.merchantToken, status: 403, code: 'forbidden' },
        { name: 'no token', method: 'GET', url: '/v1/admin/audit-log', token: null, status: 401, code: 'unauthorized' },
      ]);
    });
  });
}
