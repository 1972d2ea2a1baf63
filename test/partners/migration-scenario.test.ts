import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { tokenFor } from '../api/admin-support.ts';
import { execute } from '../../src/app/execute.ts';
import { systemActor } from '../../src/app/context.ts';
import { resolveEntrance } from '../../src/app/entrances/resolve-entrance.ts';
import { applyProtections } from '../../src/app/entrances/detect-protections.ts';
import { isProtected } from '../../src/app/entrances/protection-store.ts';
import { reconcileSettlement } from '../../src/app/partners/reconcile-settlement.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { lateChargesAsOf } from '../../src/core/charges/late-charges.ts';
import { parseLateChargeRule } from '../../src/core/charges/late-charge-rule.ts';
import { dispatchNotices } from '../../src/app/notices/dispatch-notices.ts';
import { captureEmail, captureSms, installNotices, PUBLIC_URL } from '../notices/notice-support.ts';
import { addEntrance, addPartner, fundedCheckout } from './support.ts';
import { closeTo, installment, planRow } from '../close/support.ts';

/**
 * The seed's story, replayed: the store moves its installment business from bank A to bank B
 * on 2026-02-07 and closes the repayment entrance inside its app the same day. Customer 1's
 * installment falls due on 02-10. In the seed, such customers were told to find another app
 * and became overdue; here the notice names the new place, the old place points to it, the
 * due date is protected, and the customer pays after grace without a late charge.
 * Customer 2, with bank B all along, is caught by a declared incident instead. Business days
 * move by real daily closes (the close applies the protections as its first step), so what is
 * checked is what the close charged, marked and queued.
 */
for (const target of testDatabases()) {
  describe(`partner migration with the old entrance closed, on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    let bankA: string, bankB: string;
    let c1: any, c2: any;
    const TRANSFER = '0192f0c8-5c2a-7000-8000-00000000c0de';
    const sms = captureSms();
    const engineNotices = (customerId: string, kind: string) => t.deps.db.selectFrom('notices').select(['kind', 'due_date', 'facts', 'status'])
      .where('customer_id', '=', customerId).where('kind', '=', kind).execute();
    before(async () => {
      t = await startTestApp(target);
      installNotices(t.deps, { sms, email: captureEmail() });
      store = await seedTestStore(t);
      bankA = await addPartner(t, { code: 'bank-a', name: '甲金融', priority: 1, quota: '100000.00', productIds: [store.products['fee-12']] });
      bankB = await addPartner(t, { code: 'bank-b', name: '乙银行', priority: 2, quota: '100000.00', productIds: [store.products['fee-12'], store.products['ei-12']] });
      await addEntrance(t, { code: 'fenqi', kind: 'fenqi_portal', name: 'Fenqi 还款页', url: 'https://pay.fenqi.test/plans/{planId}' });
      await addEntrance(t, { code: 'store-installments', kind: 'store_app', name: '商城App-分期还款', url: 'https://shop.test/installments', priority: 1, serves: { partnerIds: [bankA], productIds: [], merchantIds: [store.merchantId] } });
      await addEntrance(t, { code: 'bank-b-app', kind: 'partner_app', name: '乙银行App', url: 'https://b.test/repay', priority: 5, serves: { partnerIds: [bankB], productIds: [], merchantIds: [] } });
      c1 = await fundedCheckout(t, store, '13500000001', 'fee-12', '6000.00', 'M-1');
      c2 = await fundedCheckout(t, store, '13500000002', 'ei-12', '3000.00', 'M-2');
      assert.equal(c1.installments[0].dueDate, '2026-02-10');
      assert.equal(c2.installments[0].dueDate, '2026-02-10');
    });
    after(async () => { await t.close(); });

    const where = async (customerId: string) => (await t.api('GET', '/v1/me/where-to-pay', { token: await sessionFor(t, customerId) })).body.items[0];

    const overdueQueued = async (planId: string) => (await t.deps.db.selectFrom('close_outbox').select(['kind', 'send_on'])
      .where('plan_id', '=', planId).where('kind', 'like', 'overdue%').orderBy('send_on').execute()).map((r) => `${r.send_on} ${r.kind}`);

    it('before the change, customer 1 pays in the store app', async () => {
      await closeTo(t, '2026-02-05');
      assert.equal(await t.deps.calendar.today(), '2026-02-06');
      assert.equal((await where(c1.customerId)).payAt.code, 'store-installments');
    });

    it('on the migration day the plan moves to bank B and the store entrance closes', async () => {
      await closeTo(t, '2026-02-06');
      const moved = await t.api('POST', '/v1/admin/portfolio-transfers', {
        token: t.adminToken, body: { transferId: TRANSFER, fromPartnerId: bankA, toPartnerId: bankB, effectiveDate: '2026-02-07', reason: 'store changed financing partner', selection: {} },
      });
      assert.equal(moved.status, 200, JSON.stringify(moved.body));
      const closed = await t.api('POST', '/v1/admin/entrances/store-installments/status', { token: t.adminToken, body: { status: 'closed', reason: 'store ended its installment business with bank A' } });
      assert.equal(closed.status, 200, JSON.stringify(closed.body));
      const told = await engineNotices(c1.customerId, 'repayment_entrance_changed');
      assert.deepEqual(told.map((n) => n.facts), [{ entrance: '乙银行App', effectiveDate: '2026-02-07' }], 'customer 1 is told where to pay now');
      assert.equal((await engineNotices(c2.customerId, 'repayment_entrance_changed')).length, 0, 'the store entrance never served customer 2');
      const again = await t.api('POST', '/v1/admin/entrances/store-installments/status', { token: t.adminToken, body: { status: 'closed', reason: 'confirmed' } });
      assert.equal(again.status, 200);
      assert.equal((await engineNotices(c1.customerId, 'repayment_entrance_changed')).length, 1, 'closing a closed entrance tells nobody again');
    });

    it('resolveEntrance gives the new entrance, and the notice carries its link', async () => {
      const r = await resolveEntrance(t.deps.db, c1.customerId, c1.id, t.clock.now());
      assert.ok(r.ok);
      assert.deepEqual([r.value.payAt?.code, r.value.payAt?.url], ['bank-b-app', 'https://b.test/repay']);
      const notice = await t.deps.db.selectFrom('continuity_notices').select('payload').where('customer_id', '=', c1.customerId).where('kind', '=', 'portfolio_transfer').executeTakeFirstOrThrow();
      assert.equal((notice.payload as any).payAt.url, 'https://b.test/repay');
      assert.equal(await t.deps.db.selectFrom('continuity_notices').select('id').where('customer_id', '=', c2.customerId).executeTakeFirst(), undefined, 'customer 2 was not affected');
    });

    it('the transfer notice actually reaches customer 1 by SMS, with a repayment link that needs no entrance', async () => {
      assert.deepEqual((await engineNotices(c1.customerId, 'loan_transferred')).map((n) => n.facts), [{ lender: '乙银行', effectiveDate: '2026-02-07' }]);
      assert.equal((await engineNotices(c2.customerId, 'loan_transferred')).length, 0);
      await dispatchNotices(t.deps);
      const text = sms.sent.find((m) => m.template.kind === 'loan_transferred')?.text ?? '';
      const moved = sms.sent.find((m) => m.template.kind === 'repayment_entrance_changed')?.text ?? '';
      assert.match(moved, /^重要：自2026年2月7日起还款入口变更为乙银行App，账单和还款日不变。可直接用此链接还款：/);
      assert.match(text, /^自2026年2月7日起您的分期由乙银行出资，账单、还款日和自动扣款不变。随时可用此链接还款：/);
      assert.ok(text.includes(`${PUBLIC_URL}/r/`), text);
    });

    it('a customer opening the old entrance is shown where to pay now, in one tap', async () => {
      const json = await t.api('GET', '/v1/entrances/store-installments/redirect');
      assert.equal(json.status, 200);
      assert.equal(json.body.payAt.url, 'https://pay.fenqi.test/plans/');
      const html = await t.app.inject({ method: 'GET', url: '/v1/entrances/store-installments/redirect', headers: { accept: 'text/html' } });
      assert.match(html.body, /<a href="https:\/\/pay\.fenqi\.test\/plans\/"/);
      const open = await t.app.inject({ method: 'GET', url: '/v1/entrances/bank-b-app/redirect' });
      assert.deepEqual([open.statusCode, open.headers.location], [302, 'https://b.test/repay']);
    });

    it('the close of the migration day protects customer 1\'s due date that week, and only theirs', async () => {
      const closed = await closeTo(t, '2026-02-07');
      const step = closed.runs[0]!.steps.find((x) => x.name === 'outage_protection');
      assert.deepEqual([step?.phase, step?.counts.movedClasses, step?.counts.installmentsProtected], ['before', 1, 1]);
      const p1 = await isProtected(t.deps.db, c1.customerId, c1.id, '2026-02-10');
      assert.deepEqual([p1.protected, p1.extendedDueDate, p1.causes[0]?.kind], [true, '2026-02-21', 'entrance_moved']);
      assert.equal((await isProtected(t.deps.db, c2.customerId, c2.id, '2026-02-10')).protected, false);
      const again = await execute(t.deps, systemActor, (ctx) => applyProtections(ctx, '2026-02-07'));
      assert.ok(again.ok);
      const notices = await t.deps.db.selectFrom('continuity_notices').select('payload').where('customer_id', '=', c1.customerId).where('kind', '=', 'due_date_protected').execute();
      assert.equal(notices.length, 1, 'one notice however often the close re-applies it');
      assert.equal((notices[0]!.payload as any).installments[0].extendedDueDate, '2026-02-21');
      const engine = await engineNotices(c1.customerId, 'due_date_protected');
      assert.deepEqual(engine.map((n) => [n.due_date, n.facts]), [['2026-02-10', { newDueDate: '2026-02-21' }]], 'one message, for the bill');
      await dispatchNotices(t.deps);
      const text = sms.sent.find((m) => m.template.kind === 'due_date_protected')?.text ?? '';
      assert.match(text, /^因平台原因，您2026年2月10日账单中受影响的分期顺延至2026年2月21日还款，免逾期费用、不影响征信。还款：/);
      assert.ok(text.includes(`${PUBLIC_URL}/r/`), text);
    });

    it('a declared incident protects customer 2\'s due date', async () => {
      await closeTo(t, '2026-02-09');
      assert.equal(await t.deps.calendar.today(), '2026-02-10');
      const supervisor = await tokenFor(t, 'supervisor');
      const declared = await t.api('POST', '/v1/admin/incidents', { token: supervisor, body: { title: 'SMS repayment link broken for bank B plans', scope: { partnerIds: [], productIds: [], merchantIds: [], planIds: [c2.id] } } });
      assert.equal(declared.status, 201, JSON.stringify(declared.body));
      assert.deepEqual([(await isProtected(t.deps.db, c2.customerId, c2.id, '2026-02-10')).extendedDueDate], ['2026-02-17']);
      await closeTo(t, '2026-02-10');
      const ended = await t.api('POST', `/v1/admin/incidents/${declared.body.incidentId}/end`, { token: supervisor, body: {} });
      assert.equal(ended.status, 200, JSON.stringify(ended.body));
      const p2 = await isProtected(t.deps.db, c2.customerId, c2.id, '2026-02-10');
      assert.deepEqual([p2.protected, p2.extendedDueDate, p2.causes[0]?.kind], [true, '2026-02-18', 'incident']);
      const listed = await t.api('GET', '/v1/admin/incidents', { token: await tokenFor(t, 'agent') });
      assert.equal(listed.body.items[0].protectedInstallments, 1);
      const reviewed = await t.api('POST', `/v1/admin/incidents/${declared.body.incidentId}/review`, { token: supervisor, body: { review: 'template fixed; 1 customer protected' } });
      assert.equal(reviewed.body.review, 'template fixed; 1 customer protected');
    });

    it('through the week after grace the closes charge neither customer, mark neither overdue, and send no overdue notice', async () => {
      await closeTo(t, '2026-02-15');
      for (const c of [c1, c2]) {
        assert.equal((await installment(t, c.id, 1)).penalty_fen, 0);
        const plan = await planRow(t, c.id);
        assert.deepEqual([plan.days_past_due, plan.delinquency_bucket], [0, 'M0']);
        assert.deepEqual(await overdueQueued(c.id), []);
        const charged = await t.deps.db.selectFrom('close_accruals').select('business_date').where('plan_id', '=', c.id).where('step', '=', 'charges').execute();
        assert.deepEqual(charged, []);
      }
      const reminded = await t.deps.db.selectFrom('close_outbox').select('kind').where('plan_id', '=', c1.id).where('send_on', '=', '2026-02-10').execute();
      assert.deepEqual(reminded.map((r) => r.kind).sort(), ['auto_debit', 'due_today'], 'reminders still follow the contractual date');
    });

    it('customer 1 repays after grace through the new entrance and owes no late charge', async () => {
      assert.equal(await t.deps.calendar.today(), '2026-02-16');
      const w = await where(c1.customerId);
      assert.equal(w.payAt.code, 'bank-b-app');
      const paid = await t.api('POST', '/v1/me/repayments', { token: await sessionFor(t, c1.customerId), key: 'c1-late', body: { kind: 'installment', planId: c1.id, installmentNumber: 1, amount: '536.00' } });
      assert.equal(paid.status, 201, JSON.stringify(paid.body));
      // What the close charges: with the due date it would be 3 days of penalty; with the extended date, nothing.
      const plan = await t.deps.db.selectFrom('plans').select('late_charge_rule').where('id', '=', c1.id).executeTakeFirstOrThrow();
      const rule = parseLateChargeRule(plan.late_charge_rule);
      assert.ok(rule.ok);
      const inst = { principal: 50_000, interest: 0, fee: 3_600 };
      const history = [{ date: '2026-02-16', principal: 50_000, fee: 3_600 }];
      assert.ok(lateChargesAsOf(rule.value, { ...inst, dueDate: '2026-02-10' }, history, '2026-02-16').total > 0);
      assert.equal(lateChargesAsOf(rule.value, { ...inst, dueDate: '2026-02-21' }, history, '2026-02-16').total, 0);
      const row = await t.deps.db.selectFrom('installments').select(['penalty_fen', 'settled_on']).where('plan_id', '=', c1.id).where('number', '=', 1).executeTakeFirstOrThrow();
      assert.deepEqual([row.penalty_fen, row.settled_on], [0, '2026-02-16']);
      const mine = await t.api('GET', '/v1/me/protections', { token: await sessionFor(t, c1.customerId) });
      assert.equal(mine.body.items[0].extendedDueDate, '2026-02-21');
    });

    it('the repayment settles to bank B, and the books and the settlement agree', async () => {
      await closeTo(t, '2026-02-16');
      const s = await t.api('POST', `/v1/admin/partners/${bankB}/settlements`, { token: t.adminToken, body: { date: '2026-02-16' } });
      assert.deepEqual([s.status, s.body.collectedPrincipal, s.body.collectedFee], [200, '500.00', '36.00']);
      assert.ok((await reconcileSettlement(t.deps.db, bankB, '2026-02-16')).ok);
      const books = await checkLedger(t.deps.db);
      assert.ok(books.ok, JSON.stringify(books.failures));
    });

    it('customer 2, who has not paid, is late only from the extended date: charged and reminded from 02-18', async () => {
      await closeTo(t, '2026-02-22');
      const plan = await t.deps.db.selectFrom('plans').select('late_charge_rule').where('id', '=', c2.id).executeTakeFirstOrThrow();
      const rule = parseLateChargeRule(plan.late_charge_rule);
      assert.ok(rule.ok);
      const i1 = await installment(t, c2.id, 1);
      const inst = { principal: i1.principal_fen, interest: i1.interest_fen, fee: i1.fee_fen };
      assert.equal(lateChargesAsOf(rule.value, { ...inst, dueDate: '2026-02-18' }, [], '2026-02-21').total, 0, 'grace after the extended date');
      const expected = lateChargesAsOf(rule.value, { ...inst, dueDate: '2026-02-18' }, [], '2026-02-22').total;
      assert.ok(expected > 0 && expected < lateChargesAsOf(rule.value, { ...inst, dueDate: '2026-02-10' }, [], '2026-02-22').total);
      assert.equal(i1.penalty_fen, expected);
      assert.equal((await planRow(t, c2.id)).days_past_due, 4);
      assert.deepEqual(await overdueQueued(c2.id), ['2026-02-19 overdue_1', '2026-02-21 overdue_3']);
      assert.deepEqual(await overdueQueued(c1.id), [], 'customer 1 paid');
      const books = await checkLedger(t.deps.db);
      assert.ok(books.ok, JSON.stringify(books.failures));
    });
  });
}
