import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore } from '../support/store.ts';

const ref = (customerId: string) => createHmac('sha256', 'test-secret').update(`credit-report:${customerId}`).digest('hex').slice(0, 24);

/**
 * The facts an accepted hardship plan (协商还款, issue 6) leaves behind, written directly: the
 * accepted row in hardship_plans, the replaced schedule in schedule_history, the old
 * installments closed by 'hardship' waivers and the agreed installments added after them.
 * Written here rather than through acceptOffer because that use case belongs to another
 * part and is still changing; the report only reads these facts.
 */
async function acceptHardshipOn(t: TestApp, plan: { id: string; customerId: string }, date: string) {
  const db = t.deps.db;
  const at = t.clock.now();
  const c = plan.customerId, p = plan.id;
  await sql`insert into hardship_plans (customer_id, id, plan_id, status, approval, terms, first_due_date, penalty_kept_fen, penalty_waived_fen, capitalised_fen,
      preview, offered_by, offered_on, expires_at, accepted_on, accepted_at, created_at, updated_at)
    values (${c}::uuid, ${t.deps.ids.next()}::uuid, ${p}::uuid, 'accepted', 'not_needed', 3, '2026-03-10', 0, 0, 0, '{}'::jsonb, 'staff:test', ${date}::date, ${at}, ${date}::date, ${at}, ${at}, ${at})`.execute(db);
  await sql`insert into schedule_history (customer_id, plan_id, version, reason, schedule, business_date, created_at)
    select ${c}::uuid, ${p}::uuid, 1, 'hardship plan', jsonb_agg(jsonb_build_object('number', number, 'dueDate', due_date, 'principal', principal_fen, 'interest', interest_fen, 'fee', fee_fen) order by number), ${date}::date, ${at}
    from installments where customer_id = ${c}::uuid and plan_id = ${p}::uuid`.execute(db);
  await sql`insert into waivers (customer_id, id, plan_id, installment_number, component, amount_fen, source, reason, actor, business_date, created_at)
    select customer_id, gen_random_uuid(), plan_id, number, 'principal', principal_fen, 'hardship', 'moved to the hardship plan', 'staff:test', ${date}::date, ${at}
    from installments where customer_id = ${c}::uuid and plan_id = ${p}::uuid`.execute(db);
  await sql`update installments set waived_principal_fen = principal_fen, settled_on = ${date}::date where customer_id = ${c}::uuid and plan_id = ${p}::uuid`.execute(db);
  await sql`insert into installments (customer_id, plan_id, number, due_date, principal_fen, interest_fen, fee_fen)
    values (${c}::uuid, ${p}::uuid, 4, '2026-03-10', 10000, 0, 0), (${c}::uuid, ${p}::uuid, 5, '2026-04-10', 10000, 0, 0), (${c}::uuid, ${p}::uuid, 6, '2026-05-10', 10000, 0, 0)`.execute(db);
}

for (const target of testDatabases()) {
  describe(`a hardship plan in the credit report on ${target.name}`, () => {
    let t: TestApp;
    let plan: { id: string; customerId: string };
    before(async () => {
      t = await startTestApp(target);
      const store = await seedTestStore(t);
      plan = await checkout(t, store, '13800000007', 'free-3', '300.00', 'H-1');
    });
    after(async () => { await t.close(); });

    const reported = async (month: string, key: string) => {
      const r = await t.api('POST', `/v1/admin/credit-reports/${month}/run`, { token: t.adminToken, key });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const f = await t.api('GET', `/v1/admin/credit-reports/${month}`, { token: t.adminToken });
      return (f.body as string).trim().split('\n').slice(2);
    };
    const row = (balance: string, due: string, overdue: string, dpd: number, status: string, recent: string) =>
      ['A', plan.id, ref(plan.customerId), '138****0007', '2026-01-05', '300.00', '20000.00', balance, due, overdue, String(dpd), status, '/'.repeat(24 - recent.length) + recent, '', ''].join(',');

    it('is reported overdue before the agreement and restructured, with the agreed amounts, after it', async () => {
      await t.setBusinessDate('2026-03-01');
      await acceptHardshipOn(t, plan, '2026-03-01');
      await t.setBusinessDate('2026-03-10');
      const pay = await t.api('POST', `/v1/admin/customers/${plan.customerId}/repayments`, {
        token: t.adminToken, key: 'h-pay', body: { kind: 'installment', planId: plan.id, installmentNumber: 4, amount: '100.00', channel: 'bank', externalRef: 'h-pay' },
      });
      assert.equal(pay.status, 201, JSON.stringify(pay.body));
      await t.setBusinessDate('2026-04-01');
      assert.deepEqual(await reported('2026-02', 'feb'), [row('300.00', '100.00', '100.00', 18, 'overdue', '*1')]);
      // March: installment 2 (due 03-10) was moved into the plan, so only the agreed installment 4 was due, and it was paid.
      assert.deepEqual(await reported('2026-03', 'mar'), [row('200.00', '100.00', '0.00', 0, 'restructured', '*1N')]);
    });

    it('works without the hardship table, and reports restructured once it is there', async () => {
      await t.setBusinessDate('2026-05-01');
      await sql`alter table hardship_plans rename to hardship_plans_elsewhere`.execute(t.deps.db);
      try {
        assert.deepEqual(await reported('2026-04', 'apr-1'), [row('200.00', '100.00', '100.00', 20, 'overdue', '*1N1')]);
      } finally {
        await sql`alter table hardship_plans_elsewhere rename to hardship_plans`.execute(t.deps.db);
      }
      const r = await t.api('POST', '/v1/admin/credit-reports/2026-04/run', { token: t.adminToken, key: 'apr-2' });
      assert.deepEqual({ changed: r.body.changed, version: r.body.run.version, lines: r.body.run.lines }, { changed: true, version: 2, lines: 1 });
      const f = await t.api('GET', '/v1/admin/credit-reports/2026-04?version=2', { token: t.adminToken });
      const corrected = row('200.00', '100.00', '100.00', 20, 'restructured', '*1N1').replace(/^A,/, 'C,').replace(/,,$/, ',1,status');
      assert.deepEqual((f.body as string).trim().split('\n').slice(2), [corrected]);
    });
  });
}
