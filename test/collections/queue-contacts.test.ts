import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { closeTo } from '../close/support.ts';
import { withCollections } from '../../src/app/collections/tables.ts';
import { collectionsCloseStep } from '../../src/app/collections/close-step.ts';
import { assignUnassigned } from '../../src/app/collections/sync-queue.ts';
import { runTx } from '../../src/adapters/db/tx.ts';
import { ledgerOk, openEntrance, queue, shanghai, staffKey, type Staff } from './support.ts';

/**
 * Four customers, each with one ¥1200 plan over 12 months (free-12, first due 2026-02-10),
 * run through real daily closes. Agents are created in id order, so round robin is a1, a2, a3, a1.
 */
for (const target of testDatabases()) {
  describe(`collections queue and contacts on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    let agents: Staff[];
    let supervisor: Staff;
    let auditor: Staff;
    const plans: any[] = [];
    const caseOf = async (planId: string) => withCollections(t.deps.db).selectFrom('collection_cases').selectAll().where('plan_id', '=', planId).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    const contact = (token: string, c: { customer_id: string; id: string }, body: unknown = { channel: 'phone', outcome: 'no_answer' }) =>
      t.api('POST', `/v1/collections/customers/${c.customer_id}/cases/${c.id}/contacts`, { token, body });

    before(async () => {
      t = await startTestApp(target, { collections: { contactsPerDay: 3 } });
      store = await seedTestStore(t);
      await openEntrance(t);
      agents = [await staffKey(t, 'agent', 'a1'), await staffKey(t, 'agent', 'a2'), await staffKey(t, 'agent', 'a3')].sort((a, b) => (a.id < b.id ? -1 : 1));
      supervisor = await staffKey(t, 'supervisor', 's');
      auditor = await staffKey(t, 'auditor', 'au');
      for (let k = 0; k < 4; k++) plans.push(await checkout(t, store, `1390000000${k}`, 'free-12', '1200.00', `coll-${k}`));
    });
    after(async () => { await t.close(); });

    it('overdue plans enter the queue at the close by bucket, round robin over the agents, phones masked', async () => {
      await closeTo(t, '2026-02-10');
      assert.equal((await queue(t, supervisor.token)).length, 0, 'not past due on the due date');
      await closeTo(t, '2026-02-11');
      const items = await queue(t, supervisor.token);
      assert.equal(items.length, 4);
      assert.deepEqual(items.map((i) => [i.bucket, i.daysPastDue, i.overdue]), Array(4).fill(['M1', 1, '100.00']));
      // Equal DPD: cases in id order get a1, a2, a3, a1.
      const byCase = [...items].sort((a, b) => (a.caseId < b.caseId ? -1 : 1));
      assert.deepEqual(byCase.map((i) => i.agentId), [agents[0]!.id, agents[1]!.id, agents[2]!.id, agents[0]!.id]);
      for (const i of items) assert.match(i.phoneMasked, /^139\*{4}\d{4}$/);
      assert.ok(!JSON.stringify(items).match(/1390000000\d/), 'no full phone anywhere in the listing');
      assert.equal((await queue(t, agents[0]!.token)).length, 2, 'an agent sees their own cases');
      assert.equal((await queue(t, auditor.token)).length, 4, 'an auditor reads everything');
      const again = await collectionsCloseStep.run(t.deps, '2026-02-11');
      assert.deepEqual([again.casesOpened, again.casesAssigned, again.casesClosed], [0, 0, 0], 'the step is idempotent');
    });

    it('quiet hours 20:59 allowed, 21:00 refused, 07:59 refused, 08:00 allowed (Asia/Shanghai)', async () => {
      const c = await caseOf(plans[0].id);
      const token = agents.find((a) => a.id === c.agent_id)!.token;
      t.clock.set(shanghai('2026-02-12', '20:59'));
      assert.equal((await contact(token, c)).status, 201);
      t.clock.set(shanghai('2026-02-12', '21:00'));
      const late = await contact(token, c);
      assert.equal(late.status, 422);
      assert.equal(late.body.code, 'contact_quiet_hours');
      t.clock.set(shanghai('2026-02-13', '07:59'));
      assert.equal((await contact(token, c)).body.code, 'contact_quiet_hours');
      t.clock.set(shanghai('2026-02-13', '08:00'));
      const ok = await contact(token, c);
      assert.equal(ok.status, 201);
      assert.equal(ok.body.contactDay, '2026-02-13');
      assert.equal(ok.body.attemptsToday, 1, '20:59 yesterday counts for yesterday');
    });

    it('caps attempts per customer per day (3), across channels and agents', async () => {
      const c = await caseOf(plans[0].id);
      const token = agents.find((a) => a.id === c.agent_id)!.token;
      t.clock.set(shanghai('2026-02-13', '10:00'));
      assert.equal((await contact(token, c, { channel: 'sms', outcome: 'no_answer' })).status, 201);
      assert.equal((await contact(supervisor.token, c, { channel: 'app', outcome: 'reached', note: '客户称月底还款' })).status, 201);
      const fourth = await contact(token, c);
      assert.equal(fourth.status, 422);
      assert.equal(fourth.body.code, 'contact_limit_reached');
      t.clock.set(shanghai('2026-02-14', '09:00'));
      assert.equal((await contact(token, c)).status, 201, 'a new day');
      const stored = await withCollections(t.deps.db).selectFrom('collection_contacts').select('contact_day').where('case_id', '=', c.id).execute();
      assert.equal(stored.length, 5);
    });

    it('a contact with anyone but the customer cannot be recorded', async () => {
      const c = await caseOf(plans[1].id);
      const token = agents.find((a) => a.id === c.agent_id)!.token;
      t.clock.set(shanghai('2026-02-14', '10:00'));
      const before = await withCollections(t.deps.db).selectFrom('collection_contacts').select('id').where('case_id', '=', c.id).execute();
      for (const body of [
        { channel: 'phone', outcome: 'reached', contactName: '李四', relationship: 'relative', phone: '13911112222' },
        { channel: 'phone', outcome: 'reached', party: 'third_party' },
        { channel: 'third_party', outcome: 'reached' },
        { channel: 'phone', outcome: 'reached_relative' },
      ]) {
        const r = await contact(token, c, body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.equal(r.body.code, 'validation_failed');
      }
      const after = await withCollections(t.deps.db).selectFrom('collection_contacts').select('id').where('case_id', '=', c.id).execute();
      assert.equal(after.length, before.length);
    });

    it('roles: agents only their own cases, supervisors reassign, auditors and others cannot write', async () => {
      const c = await caseOf(plans[1].id);
      const other = agents.find((a) => a.id !== c.agent_id)!;
      t.clock.set(shanghai('2026-02-14', '11:00'));
      assert.equal((await contact(other.token, c)).status, 403, "another agent's case");
      assert.equal((await contact(auditor.token, c)).status, 403);
      assert.equal((await contact(store.merchantToken, c)).status, 403);
      const session = await sessionFor(t, c.customer_id);
      assert.equal((await t.api('GET', '/v1/collections/queue', { token: session })).status, 403);
      const assign = (token: string) => t.api('POST', `/v1/collections/customers/${c.customer_id}/cases/${c.id}/assign`, { token, body: { agentId: other.id, reason: 'workload' } });
      assert.equal((await assign(other.token)).status, 403, 'agents do not assign');
      assert.equal((await assign(auditor.token)).status, 403);
      const moved = await assign(supervisor.token);
      assert.equal(moved.status, 200);
      assert.equal((await caseOf(plans[1].id)).agent_id, other.id);
      assert.equal((await contact(other.token, c)).status, 201, 'the new agent may work it');
      const detail = await t.api('GET', `/v1/collections/customers/${c.customer_id}/cases/${c.id}`, { token: auditor.token });
      assert.equal(detail.status, 200);
      assert.match(detail.body.phoneMasked, /^139\*{4}\d{4}$/);
    });

    it('a broken promise is flagged by the real daily close of its date, once; a kept one is not', async () => {
      const [broken, kept] = [await caseOf(plans[2].id), await caseOf(plans[3].id)];
      t.clock.set(shanghai('2026-02-12', '10:00'));
      for (const c of [broken, kept]) {
        const token = agents.find((a) => a.id === c.agent_id)!.token;
        const r = await t.api('POST', `/v1/collections/customers/${c.customer_id}/cases/${c.id}/promises`, { token, body: { promisedOn: '2026-02-14', amount: '100.00' } });
        assert.equal(r.status, 201, JSON.stringify(r.body));
      }
      const session = await sessionFor(t, kept.customer_id);
      const paid = await t.api('POST', '/v1/me/repayments', { token: session, key: 'promise-kept', body: { kind: 'installment', planId: plans[3].id, installmentNumber: 1, amount: '100.00' } });
      assert.equal(paid.status, 201, JSON.stringify(paid.body));
      await closeTo(t, '2026-02-13');
      const promises = () => withCollections(t.deps.db).selectFrom('payment_promises').select(['case_id', 'status', 'resolved_on', 'paid_fen']).orderBy('case_id').execute();
      assert.deepEqual((await promises()).map((p) => p.status).sort(), ['kept', 'open'].sort(), 'the kept one is settled early; the other is not yet due');
      await closeTo(t, '2026-02-14');
      const settled = await promises();
      const b = settled.find((p) => p.case_id === broken.id)!;
      assert.deepEqual([b.status, b.resolved_on, Number(b.paid_fen)], ['broken', '2026-02-14', 0]);
      assert.equal(settled.find((p) => p.case_id === kept.id)!.status, 'kept');
      const rerun: Record<string, number | undefined> = await collectionsCloseStep.run(t.deps, '2026-02-14');
      assert.equal(rerun.promisesBroken, 0, 'idempotent per date');
      const run = await t.deps.db.selectFrom('close_runs').select('counts').where('business_date', '=', '2026-02-14').executeTakeFirstOrThrow();
      assert.match(JSON.stringify(run.counts), /promisesBroken/);
    });

    it('a case leaves the queue when its plan is cured', async () => {
      const c = await caseOf(plans[3].id);
      assert.deepEqual([c.status, c.closed_on], ['cured', '2026-02-12'], 'paid up on business date 02-12: its close sets DPD 0 and the case leaves');
      assert.deepEqual((await queue(t, supervisor.token)).map((i) => i.planId).sort(), [plans[0].id, plans[1].id, plans[2].id].sort());
      await ledgerOk(t);
    });

    it('by load: unassigned cases go to the agents with the fewest open cases', async () => {
      const fresh = await staffKey(t, 'agent', 'a4');
      const open = await withCollections(t.deps.db).selectFrom('collection_cases').select(['customer_id', 'id', 'agent_id']).where('status', '=', 'open').orderBy('id').execute();
      assert.equal(open.length, 3);
      await withCollections(t.deps.db).updateTable('collection_cases').set({ agent_id: null }).where('id', 'in', open.slice(0, 2).map((c) => c.id)).execute();
      const loads = new Map<string, number>([...agents.map((a) => [a.id, 0] as [string, number]), [fresh.id, 0]]);
      loads.set(open[2]!.agent_id!, 1);
      const n = await runTx(t.deps.db, (tx) => assignUnassigned(tx, t.clock.now(), 'by_load'));
      assert.equal(n, 2);
      const after = await withCollections(t.deps.db).selectFrom('collection_cases').select(['id', 'agent_id']).where('id', 'in', open.slice(0, 2).map((c) => c.id)).orderBy('days_past_due', 'desc').orderBy('opened_on').orderBy('id').execute();
      const idle = [...loads].filter(([, l]) => l === 0).map(([id]) => id).sort();
      assert.deepEqual(after.map((c) => c.agent_id), idle.slice(0, 2), 'the two least loaded agents, lower id first');
    });
  });
}
