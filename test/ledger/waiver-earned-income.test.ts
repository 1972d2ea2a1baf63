import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore } from '../support/store.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { waiveCharges } from '../../src/app/servicing/waive-charges.ts';
import { closeTo } from '../close/support.ts';

/**
 * A waiver takes interest or fees back from where they sit in the books: from unearned
 * income while the installment is not due, from income once the daily close has earned it.
 * fee-12: ¥6000 over 12 with a monthly fee, first due 2026-02-10.
 */
for (const target of testDatabases()) {
  describe(`waivers and earned income on ${target.name}`, () => {
    let t: TestApp;
    let plan: { id: string; customerId: string };

    const debits = async (waiverId: string) => (await sql<{ debit_account: string; amount_fen: number }>`
      select p.debit_account, p.amount_fen from postings p join journal_entries e on e.customer_id = p.customer_id and e.id = p.entry_id
      where e.reference = ${waiverId} order by p.seq`.execute(t.deps.db)).rows.map((r) => [r.debit_account, Number(r.amount_fen)]);

    before(async () => {
      t = await startTestApp(target);
      const store = await seedTestStore(t);
      plan = await checkout(t, store, '13800000077', 'fee-12', '6000.00', 'waive-earned-1');
      await closeTo(t, '2026-02-10'); // installment 1 falls due and its fee is earned
    });
    after(async () => { await t.close(); });

    it('debits fee income for an installment the close has earned', async () => {
      const inst = await t.deps.db.selectFrom('installments').select('fee_fen').where('plan_id', '=', plan.id).where('number', '=', 1).executeTakeFirstOrThrow();
      const w = await t.run((ctx) => waiveCharges(ctx, { customerId: plan.customerId, planId: plan.id, installmentNumber: 1, component: 'fee', amount: Number(inst.fee_fen), reason: 'fee dispute upheld' }));
      assert.deepEqual(await debits(w.waiverId), [['income.fee', Number(inst.fee_fen)]]);
    });

    it('debits unearned fees for an installment not yet due', async () => {
      const w = await t.run((ctx) => waiveCharges(ctx, { customerId: plan.customerId, planId: plan.id, installmentNumber: 3, component: 'fee', amount: 100, reason: 'goodwill' }));
      assert.deepEqual(await debits(w.waiverId), [['unearned.fee', 100]]);
    });

    it('leaves the books balanced with no plan below zero unearned', async () => {
      const r = await checkLedger(t.deps.db);
      assert.ok(r.ok, JSON.stringify(r.failures));
      assert.deepEqual(r.failures.unearned, []);
    });

    it('the ledger check reports a plan whose unearned income went below zero', async () => {
      const e = await t.deps.db.selectFrom('journal_entries').select(['id', 'customer_id']).where('customer_id', '=', plan.customerId).executeTakeFirstOrThrow();
      // A forged posting that earns more fee than the plan ever had unearned.
      await sql`insert into postings (customer_id, entry_id, seq, debit_account, credit_account, plan_id, amount_fen, business_date)
        values (${e.customer_id}::uuid, ${e.id}::uuid, 999, 'unearned.fee', 'income.fee', ${plan.id}::uuid, 10000000, '2026-02-10')`.execute(t.deps.db);
      const r = await checkLedger(t.deps.db);
      assert.equal(r.ok, false);
      assert.match(r.failures.unearned.join('\n'), new RegExp(`plan ${plan.id} unearned.fee: balance -\\d+ below zero`));
    });
  });
}
