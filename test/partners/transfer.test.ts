import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { reconcileSettlement } from '../../src/app/partners/reconcile-settlement.ts';
import { addEntrance, addPartner, fundedCheckout, ownersOf, quotaUsed } from './support.ts';

const TRANSFER = '0192f0c8-5c2a-7000-8000-0000000000a1';

for (const target of testDatabases()) {
  describe(`portfolio transfer on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    let bankA: string, bankB: string;
    const plans: any[] = [];
    before(async () => {
      t = await startTestApp(target);
      store = await seedTestStore(t);
      bankA = await addPartner(t, { code: 'bank-a', name: '甲银行', priority: 1, quota: '100000.00', productIds: [store.products['fee-12']] });
      bankB = await addPartner(t, { code: 'bank-b', name: '乙银行', priority: 2, quota: '100000.00', productIds: [store.products['fee-12']] });
      await addEntrance(t, { code: 'fenqi', kind: 'fenqi_portal', name: 'Fenqi', url: 'https://pay.fenqi.test/plans/{planId}' });
      await addEntrance(t, { code: 'bank-a-app', kind: 'partner_app', name: '甲银行App', url: 'https://a.test/repay', priority: 5, serves: { partnerIds: [bankA], productIds: [], merchantIds: [] } });
      await addEntrance(t, { code: 'bank-b-app', kind: 'partner_app', name: '乙银行App', url: 'https://b.test/repay', priority: 5, serves: { partnerIds: [bankB], productIds: [], merchantIds: [] } });
      plans.push(await fundedCheckout(t, store, '13600000001', 'fee-12', '6000.00', 'T-1'));
      plans.push(await fundedCheckout(t, store, '13600000001', 'fee-12', '1200.00', 'T-2'));
      plans.push(await fundedCheckout(t, store, '13600000002', 'fee-12', '2400.00', 'T-3'));
      await t.setBusinessDate('2026-01-20');
    });
    after(async () => { await t.close(); });

    const transfer = (over: object = {}, token = t.adminToken) => t.api('POST', '/v1/admin/portfolio-transfers', {
      token, body: { transferId: TRANSFER, fromPartnerId: bankA, toPartnerId: bankB, effectiveDate: '2026-01-20', reason: 'store changed financing partner', selection: {}, ...over },
    });
    const schedules = () => t.deps.db.selectFrom('installments').selectAll().orderBy('plan_id').orderBy('number').execute();

    it('previews the transfer with totals and writes nothing', async () => {
      const early = await t.api('POST', '/v1/me/repayments', { token: await sessionFor(t, plans[0].customerId), key: 'early', body: { kind: 'installment', planId: plans[0].id, installmentNumber: 1, amount: '536.00' } });
      assert.equal(early.status, 201, JSON.stringify(early.body));
      const counts = (await checkLedger(t.deps.db)).counts;
      const r = await transfer({ dryRun: true });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual([r.body.dryRun, r.body.plans, r.body.customers], [true, 3, 2]);
      assert.equal(r.body.principal, '9600.00', 'outstanding at the start of the day: the repayment made earlier today counts for the buyer');
      assert.deepEqual((await checkLedger(t.deps.db)).counts, counts);
      assert.equal((await ownersOf(t, plans[0].id)).length, 1);
    });

    it('moves ownership, stake and quota from the effective date, and leaves the customer\'s schedule alone', async () => {
      const before = await schedules();
      const r = await transfer();
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual([r.body.replayed, r.body.plans, r.body.principal], [false, 3, '9600.00']);
      assert.deepEqual((await ownersOf(t, plans[0].id)).map((o) => [o.version, o.partner_id, o.effective_date]), [[1, bankA, '2026-01-05'], [2, bankB, '2026-01-20']]);
      assert.deepEqual(await schedules(), before);
      assert.equal(await quotaUsed(t, bankA), 0, 'all of bank-a\'s outstanding principal moved');
      assert.equal(await quotaUsed(t, bankB), 960_000);
      const entries = await t.deps.db.selectFrom('journal_entries').select('customer_id').where('kind', '=', 'partner.transfer').where('reference', '=', TRANSFER).execute();
      assert.equal(entries.length, 2, 'one entry per customer');
      assert.ok((await checkLedger(t.deps.db)).ok);
    });

    it('tells each affected customer once what changed, what did not, and where to pay', async () => {
      const notices = await t.deps.db.selectFrom('continuity_notices').selectAll().where('kind', '=', 'portfolio_transfer').orderBy('customer_id').execute();
      assert.equal(notices.length, 2);
      const mine = notices.find((n) => n.customer_id === plans[0].customerId)!.payload as any;
      assert.equal(mine.planIds.length, 2);
      assert.deepEqual(mine.payAt, { name: '乙银行App', url: 'https://b.test/repay' });
      assert.match(mine.unchanged.join(' '), /Bills, repayment links and auto-debit are unchanged/);
    });

    it('is idempotent by transfer id and refuses the id for another transfer or another day', async () => {
      const again = await transfer();
      assert.deepEqual([again.status, again.body.replayed, again.body.plans], [200, true, 3]);
      assert.equal((await t.deps.db.selectFrom('continuity_notices').select('id').execute()).length, 2);
      const other = await transfer({ selection: { planIds: [plans[2].id] } });
      assert.deepEqual([other.status, other.body.code], [409, 'conflict']);
      const later = await transfer({ transferId: '0192f0c8-5c2a-7000-8000-0000000000b2', effectiveDate: '2026-01-25' });
      assert.deepEqual([later.status, later.body.code], [400, 'validation_failed']);
    });

    it('sends later collections to the buyer and both settlements reconcile', async () => {
      await t.setBusinessDate('2026-01-21');
      for (const [partner, date] of [[bankA, '2026-01-05'], [bankA, '2026-01-20'], [bankB, '2026-01-20']] as const) {
        const s = await t.api('POST', `/v1/admin/partners/${partner}/settlements`, { token: t.adminToken, body: { date } });
        assert.equal(s.status, 200, JSON.stringify(s.body));
        if (date === '2026-01-20') assert.equal(s.body.collectedPrincipal, partner === bankB ? '500.00' : '0.00');
        assert.ok((await reconcileSettlement(t.deps.db, partner, date)).ok);
      }
      const where = await t.api('GET', '/v1/me/where-to-pay', { token: await sessionFor(t, plans[2].customerId) });
      assert.equal(where.body.items[0].payAt.code, 'bank-b-app');
    });
  });
}
