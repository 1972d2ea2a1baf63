import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { closeTo, installment, planRow } from '../close/support.ts';
import { withCollections } from '../../src/app/collections/tables.ts';
import { ledgerOk, openEntrance, shanghai, staffKey, type Staff } from './support.ts';

/**
 * ¥1200 over 12 months interest-free (free-12), first due 2026-02-10, ¥100.00 a month. Unpaid,
 * the default rule (3 days' grace, 0.05% a day of overdue principal from the due date) has
 * charged 10 days × 5 fen = 0.50 by the close of 2026-02-20, and the open day 2026-02-21 owes
 * 0.05 more (a payment on a day stops penalties from the next). The offer: 18 months from
 * 2026-03-10, 0.35 of the 0.55 waived, 0.20 kept and capitalised.
 *   principal 1200.00 / 18 half-up = 66.67, the last 1200.00 − 17 × 66.67 = 66.61
 *   capitalised 0.20 / 18 = 0.01, the last 0.20 − 17 × 0.01 = 0.03
 *   → 17 × 66.68 and a last 66.64, total 1200.20.
 */
for (const target of testDatabases()) {
  describe(`hardship plans on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    let agent: Staff;
    let supervisor: Staff;
    let auditor: Staff;
    const plans: Record<string, any> = {};
    const offer = (token: string, plan: any, body: unknown) => t.api('POST', `/v1/collections/customers/${plan.customerId}/plans/${plan.id}/hardship-offers`, { token, body });

    before(async () => {
      t = await startTestApp(target, { collections: { agentWaiverLimitFen: 100 } });
      store = await seedTestStore(t);
      await openEntrance(t);
      agent = await staffKey(t, 'agent', 'a1');
      supervisor = await staffKey(t, 'supervisor', 's');
      auditor = await staffKey(t, 'auditor', 'au');
      for (const name of ['A', 'B', 'C']) plans[name] = await checkout(t, store, `1370000000${Object.keys(plans).length}`, 'free-12', '1200.00', `hs-${name}`);
      await closeTo(t, '2026-02-20');
      t.clock.set(shanghai('2026-02-21', '10:00'));
    });
    after(async () => { await t.close(); });

    it('offers the exact new schedule, shown to the customer as offered', async () => {
      assert.equal((await installment(t, plans.A.id, 1)).penalty_fen, 50);
      assert.equal((await planRow(t, plans.A.id)).delinquency_bucket, 'M1');
      const r = await offer(agent.token, plans.A, { terms: 18, penaltyWaived: '0.35' });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.approval, 'not_needed');
      assert.equal(r.body.firstDueDate, '2026-03-10');
      const s = r.body.preview.schedule;
      assert.equal(s.length, 18);
      assert.deepEqual([s[0].number, s[0].dueDate, s[0].total], [13, '2026-03-10', '66.68']);
      assert.deepEqual(s.slice(0, 17).map((x: any) => x.principal), Array(17).fill('66.68'));
      assert.deepEqual([s[17].number, s[17].dueDate, s[17].principal], [30, '2027-08-10', '66.64']);
      assert.deepEqual(r.body.preview.figures, {
        principal: '1200.00', arrearsInterest: '0.00', arrearsFee: '0.00', unearnedInterestDropped: '0.00', unearnedFeeDropped: '0.00',
        penaltyOutstanding: '0.55', penaltyWaived: '0.35', capitalised: '0.20', newInterest: '0.00', newFee: '0.00', owedBefore: '1200.55', owedAfter: '1200.20',
      });
      assert.deepEqual([r.body.preview.installmentBefore, r.body.preview.installmentAfter], ['100.55', '66.68'], 'a lower installment');
      const mine = await t.api('GET', '/v1/me/hardship-offers', { token: await sessionFor(t, plans.A.customerId) });
      assert.equal(mine.status, 200);
      assert.deepEqual(mine.body.items.map((o: any) => o.offerId), [r.body.offerId]);
      assert.deepEqual(mine.body.items[0].preview, r.body.preview);
      plans.A.offerId = r.body.offerId;
    });

    it('customers see and accept only their own offers', async () => {
      const other = await sessionFor(t, plans.B.customerId);
      assert.deepEqual((await t.api('GET', '/v1/me/hardship-offers', { token: other })).body.items, []);
      const steal = await t.api('POST', `/v1/me/hardship-offers/${plans.A.offerId}/accept`, { token: other, key: 'steal' });
      assert.equal(steal.status, 404);
      assert.equal((await t.api('GET', `/v1/collections/customers/${plans.A.customerId}/hardship-offers`, { token: other })).status, 403);
      const noKey = await t.api('POST', `/v1/me/hardship-offers/${plans.A.offerId}/accept`, { token: await sessionFor(t, plans.A.customerId) });
      assert.equal(noKey.status, 400, 'accepting needs an Idempotency-Key');
    });

    it('acceptance restructures in one transaction: history kept, installments replaced, waiver posted, line and ledger consistent, re-aged', async () => {
      const token = await sessionFor(t, plans.A.customerId);
      const usedBefore = (await t.deps.db.selectFrom('credit_lines').select('used_fen').where('customer_id', '=', plans.A.customerId).executeTakeFirstOrThrow()).used_fen;
      const r = await t.api('POST', `/v1/me/hardship-offers/${plans.A.offerId}/accept`, { token, key: 'accept-A' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual([r.body.acceptedOn, r.body.penaltyWaived, r.body.capitalised], ['2026-02-21', '0.35', '0.20']);
      const replay = await t.api('POST', `/v1/me/hardship-offers/${plans.A.offerId}/accept`, { token, key: 'accept-A' });
      assert.equal(replay.headers['idempotent-replayed'], 'true');
      assert.deepEqual(replay.body, r.body);

      const rows = await t.deps.db.selectFrom('installments').selectAll().where('plan_id', '=', plans.A.id).orderBy('number').execute();
      assert.equal(rows.length, 30);
      assert.ok(rows.slice(0, 12).every((i) => i.settled_on === '2026-02-21'), 'old installments closed today');
      assert.equal(rows.slice(12).reduce((s, i) => s + i.principal_fen, 0), 120020);
      const history = await t.deps.db.selectFrom('schedule_history').selectAll().where('plan_id', '=', plans.A.id).execute();
      assert.equal(history.length, 1);
      assert.equal((history[0]!.schedule as any[]).length, 12);
      const waivers = await t.deps.db.selectFrom('waivers').select(['component', 'amount_fen', 'reason']).where('plan_id', '=', plans.A.id).where('reason', 'like', 'penalty waived%').execute();
      assert.deepEqual(waivers.map((w) => [w.component, w.amount_fen]), [['penalty', 35]]);
      const expense = await t.deps.db.selectFrom('postings').select('amount_fen').where('plan_id', '=', plans.A.id).where('debit_account', '=', 'expense.waiver').execute();
      assert.deepEqual(expense.map((p) => p.amount_fen), [35]);
      const used = (await t.deps.db.selectFrom('credit_lines').select('used_fen').where('customer_id', '=', plans.A.customerId).executeTakeFirstOrThrow()).used_fen;
      assert.equal(used - usedBefore, 20, 'the capitalised penalty is principal on the line');
      const plan = await planRow(t, plans.A.id);
      assert.deepEqual([plan.days_past_due, plan.delinquency_bucket, plan.status, plan.terms], [0, 'M0', 'active', 30]);
      const hp = await withCollections(t.deps.db).selectFrom('hardship_plans').select(['status', 'accepted_on', 'plan_id']).where('id', '=', plans.A.offerId).executeTakeFirstOrThrow();
      assert.deepEqual([hp.status, hp.accepted_on], ['accepted', '2026-02-21']);
      const kase = await withCollections(t.deps.db).selectFrom('collection_cases').select('status').where('plan_id', '=', plans.A.id).executeTakeFirstOrThrow();
      assert.equal(kase.status, 'restructured');
      const event = await t.deps.db.selectFrom('events').select('topic').where('customer_id', '=', plans.A.customerId).where('topic', '=', 'plan.restructured').execute();
      assert.equal(event.length, 1);
      const audit = await t.deps.db.selectFrom('audit_log').select('action').where('target', '=', `plan:${plans.A.id}`).where('action', '=', 'hardship.accept').execute();
      assert.equal(audit.length, 1);
      await ledgerOk(t);
    });

    it('later closes charge nothing on the old rows and keep the plan current until the new due date', async () => {
      await closeTo(t, '2026-03-09');
      const rows = await t.deps.db.selectFrom('installments').select(['number', 'penalty_fen', 'settled_on']).where('plan_id', '=', plans.A.id).where('number', '<=', 12).execute();
      assert.equal(rows.reduce((s, i) => s + i.penalty_fen, 0), 55, 'the day of acceptance and nothing after');
      assert.ok(rows.every((i) => i.settled_on !== null));
      assert.deepEqual([(await planRow(t, plans.A.id)).days_past_due, (await planRow(t, plans.A.id)).delinquency_bucket], [0, 'M0']);
      await ledgerOk(t);
    });

    it('an agent above the waiver limit needs a supervisor before the customer sees the offer', async () => {
      t.clock.set(shanghai('2026-03-10', '10:00'));
      const big = await offer(agent.token, plans.C, { terms: 6, penaltyWaived: '1.20' });
      assert.equal(big.status, 201, JSON.stringify(big.body));
      assert.equal(big.body.approval, 'pending');
      const token = await sessionFor(t, plans.C.customerId);
      assert.deepEqual((await t.api('GET', '/v1/me/hardship-offers', { token })).body.items, []);
      assert.equal((await t.api('POST', `/v1/me/hardship-offers/${big.body.offerId}/accept`, { token, key: 'early' })).status, 404);
      const approve = (tk: string) => t.api('POST', `/v1/collections/customers/${plans.C.customerId}/hardship-offers/${big.body.offerId}/approve`, { token: tk });
      assert.equal((await approve(agent.token)).status, 403);
      assert.equal((await approve(auditor.token)).status, 403);
      assert.equal((await approve(supervisor.token)).status, 200);
      assert.equal((await t.api('GET', '/v1/me/hardship-offers', { token })).body.items.length, 1);
      assert.equal((await offer(auditor.token, plans.C, { terms: 6, penaltyWaived: '0.00' })).status, 403, 'auditors read only');
      const listed = await t.api('GET', `/v1/collections/customers/${plans.C.customerId}/hardship-offers`, { token: auditor.token });
      assert.equal(listed.status, 200);
      const a2 = await staffKey(t, 'agent', 'a2');
      assert.equal((await offer(a2.token, plans.C, { terms: 6, penaltyWaived: '0.00' })).status, 403, 'not their case');
    });

    it('an offer goes stale when the plan changes, and expires after its time', async () => {
      const made = await offer(supervisor.token, plans.B, { terms: 12, penaltyWaived: '0.00' });
      assert.equal(made.status, 201);
      const token = await sessionFor(t, plans.B.customerId);
      const paid = await t.api('POST', '/v1/me/repayments', { token, key: 'b-pay', body: { kind: 'installment', planId: plans.B.id, installmentNumber: 1, amount: '10.00' } });
      assert.equal(paid.status, 201, JSON.stringify(paid.body));
      const stale = await t.api('POST', `/v1/me/hardship-offers/${made.body.offerId}/accept`, { token, key: 'b-accept' });
      assert.equal(stale.status, 409);
      assert.equal(stale.body.code, 'hardship_offer_stale');
      const fresh = await offer(supervisor.token, plans.B, { terms: 12, penaltyWaived: '0.00' });
      assert.equal(fresh.status, 201);
      t.clock.advance(7 * 86_400_000);
      const late = await t.api('POST', `/v1/me/hardship-offers/${fresh.body.offerId}/accept`, { token, key: 'b-accept-2' });
      assert.equal(late.status, 422);
      assert.equal(late.body.code, 'hardship_offer_expired');
      assert.deepEqual((await t.api('GET', '/v1/me/hardship-offers', { token })).body.items, []);
      await ledgerOk(t);
    });
  });
}
