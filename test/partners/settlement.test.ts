import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { reconcileSettlement } from '../../src/app/partners/reconcile-settlement.ts';
import { settleAndWrite } from '../../src/adapters/cli/settle.ts';
import { SETTLEMENT_CSV_HEADER } from '../../src/core/partners/settlement.ts';
import { addPartner, fundedCheckout, quotaUsed } from './support.ts';

const fen = (yuan: string) => Math.round(Number(yuan) * 100);

for (const target of testDatabases()) {
  describe(`daily partner settlement on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    let lead: string, co: string, sole: string;
    const plans: Record<string, any> = {};
    const settled: [string, string][] = [];
    before(async () => {
      t = await startTestApp(target);
      store = await seedTestStore(t);
      co = await addPartner(t, { code: 'bank-m', name: 'M 银行', quota: '100000.00', productIds: [] });
      lead = await addPartner(t, { code: 'trust-l', name: 'L 信托', quota: '100000.00', productIds: [store.products['fee-12'], store.products['free-3']], lenders: [{ percent: '60' }, { partnerId: co, percent: '40' }] });
      sole = await addPartner(t, { code: 'bank-s', name: 'S 银行', quota: '100000.00', productIds: [store.products['ei-12']] });
    });
    after(async () => { await t.close(); });

    const settle = async (partnerId: string, date: string) => {
      const r = await t.api('POST', `/v1/admin/partners/${partnerId}/settlements`, { token: t.adminToken, body: { date } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      settled.push([partnerId, date]);
      return r.body;
    };
    const settleAll = async (date: string) => ({ lead: await settle(lead, date), co: await settle(co, date), sole: await settle(sole, date) });
    const pay = async (plan: any, body: object, key: string) => {
      const r = await t.api('POST', '/v1/me/repayments', { token: await sessionFor(t, plan.customerId), key, body });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body;
    };

    it('day 1: funds new plans, split between co-lenders, net of the merchant subsidy', async () => {
      plans.c1 = await fundedCheckout(t, store, '13800000001', 'fee-12', '6000.00', 'S-1');
      plans.c2 = await fundedCheckout(t, store, '13800000002', 'ei-12', '3000.00', 'S-2');
      plans.c3 = await fundedCheckout(t, store, '13800000003', 'free-3', '300.00', 'S-3');
      await t.setBusinessDate('2026-01-06');
      const day = await settleAll('2026-01-05');
      const subsidy = (await t.deps.db.selectFrom('plans').select('merchant_subsidy_fen').where('id', '=', plans.c3.id).executeTakeFirstOrThrow()).merchant_subsidy_fen;
      assert.ok(subsidy > 0);
      assert.equal(day.lead.principalFunded, '3780.00');
      assert.equal(day.co.principalFunded, '2520.00');
      assert.equal(fen(day.lead.merchantSubsidy) + fen(day.co.merchantSubsidy), subsidy);
      assert.equal(fen(day.lead.netDue), -(378_000 - fen(day.lead.merchantSubsidy)));
      assert.equal(day.sole.principalFunded, '3000.00');
      assert.equal(day.sole.plans, 1);
      assert.equal(await quotaUsed(t, lead), 378_000);
    });

    it('day 2: collections by kind go to the owners by share, and quota comes back', async () => {
      plans.r1 = await pay(plans.c1, { kind: 'installment', planId: plans.c1.id, installmentNumber: 1, amount: '536.00' }, 'd2-1');
      await pay(plans.c2, { kind: 'amount', planId: plans.c2.id, amount: '100.00' }, 'd2-2');
      await t.setBusinessDate('2026-01-07');
      const day = await settleAll('2026-01-06');
      assert.deepEqual([day.lead.collectedPrincipal, day.lead.collectedFee, day.co.collectedPrincipal, day.co.collectedFee], ['300.00', '21.60', '200.00', '14.40']);
      assert.equal(day.lead.netDue, '321.60');
      assert.equal(fen(day.sole.collectedPrincipal) + fen(day.sole.collectedInterest), 10_000);
      assert.equal(await quotaUsed(t, lead), 378_000 - 30_000);
    });

    it('day 3: a reversal, a return and a payoff settle the other way where due', async () => {
      const rev = await t.api('POST', `/v1/admin/customers/${plans.c1.customerId}/repayments/${plans.r1.id}/reverse`, { token: t.adminToken, body: { reason: 'bank returned it' } });
      assert.equal(rev.status, 200, JSON.stringify(rev.body));
      const ret = await t.api('POST', `/v1/merchant/plans/${plans.c3.id}/returns`, { token: store.merchantToken, key: 'ret-c3', body: { kind: 'full', reason: 'returned' } });
      assert.equal(ret.status, 200, JSON.stringify(ret.body));
      await pay(plans.c2, { kind: 'payoff', planId: plans.c2.id, amount: '5000.00' }, 'd3-2');
      await t.setBusinessDate('2026-01-08');
      const day = await settleAll('2026-01-07');
      assert.deepEqual([day.lead.collectedPrincipal, day.lead.collectedFee, day.lead.returnedPrincipal], ['-300.00', '-21.60', '180.00']);
      assert.equal(day.co.returnedPrincipal, '120.00');
      assert.equal(await quotaUsed(t, lead), 378_000 - 30_000 + 30_000 - 18_000);
      assert.equal(await quotaUsed(t, sole), 0, 'paid off: all of the sole lender\'s principal is back');
    });

    it('every settled day reconciles to the journal, and the books still prove out', async () => {
      for (const [partnerId, date] of settled) {
        const check = await reconcileSettlement(t.deps.db, partnerId, date);
        assert.ok(check.ok, `${partnerId} ${date}: ${check.differences.join('; ')}`);
        const view = await t.api('GET', `/v1/admin/partners/${partnerId}/settlements/${date}`, { token: t.adminToken });
        assert.equal(view.body.reconciliation.ok, true);
      }
      const books = await checkLedger(t.deps.db);
      assert.ok(books.ok, JSON.stringify(books.failures));
    });

    it('re-running a day changes nothing; the CLI writes the same files', async () => {
      const before = await checkLedger(t.deps.db);
      const again = await settle(lead, '2026-01-06');
      assert.equal(again.replayed, true);
      assert.equal(again.netDue, '321.60');
      const dir = mkdtempSync(join(tmpdir(), 'fenqi-settle-'));
      try {
        const lines: string[] = [];
        const out = { write: (s: string) => { lines.push(s); return true; } } as unknown as NodeJS.WritableStream;
        assert.equal(await settleAndWrite(t.deps, { date: '2026-01-06', outDir: dir, json: false }, out), 0);
        const csv = readFileSync(join(dir, 'settlement-trust-l-2026-01-06.csv'), 'utf8').trim().split('\n');
        assert.equal(csv[0], SETTLEMENT_CSV_HEADER);
        assert.equal(csv.at(-1), 'trust-l,2026-01-06,TOTAL,0.00,0.00,300.00,0.00,21.60,0.00,0.00,321.60');
        assert.equal(await settleAndWrite(t.deps, { date: '2026-01-08', outDir: dir, json: false }, out), 1, 'the open day cannot be settled yet');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      assert.deepEqual((await checkLedger(t.deps.db)).counts, before.counts);
      const file = await t.api('GET', `/v1/admin/partners/${lead}/settlements/2026-01-06/file`, { token: t.adminToken });
      assert.match(String(file.headers['content-type']), /^text\/csv/);
    });
  });
}
