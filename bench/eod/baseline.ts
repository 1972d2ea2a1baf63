import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/adapters/db/schema.ts';

/**
 * The database baseline for one close, measured on the same rows in the same run: the writes
 * a close of `date` cannot avoid, as plain set-based SQL with no application in between —
 * per plan-day accrual rows for the income due that date, one journal entry and its postings
 * per plan, the outbox rows for unpaid installments, one day's penalty on every installment
 * past grace, and days past due on their plans. Run in one transaction that is rolled back,
 * so the close that follows sees the same portfolio. The close's wall time over this is the
 * price of the application (keyset pages, partitions, exactly-once bookkeeping, per-plan
 * rules for the overdue minority).
 */
export async function databaseBaseline(db: Kysely<Database>, date: string): Promise<{ seconds: number; rows: Record<string, number> }> {
  const started = Date.now();
  const rows: Record<string, number> = {};
  const count = (name: string, r: { numAffectedRows?: bigint }) => { rows[name] = Number(r.numAffectedRows ?? 0); };
  await db.transaction().execute(async (tx) => {
    await sql`create temporary table baseline_earned on commit drop as
      select i.customer_id, i.plan_id, sum(i.interest_fen - i.waived_interest_fen)::bigint as interest, sum(i.fee_fen - i.waived_fee_fen)::bigint as fee, fenqi_uuidv7() as entry_id
      from installments i join plans p on p.customer_id = i.customer_id and p.id = i.plan_id and p.status = 'active'
      where i.due_date = ${date}::date group by 1, 2`.execute(tx);
    count('accruals', await sql`insert into close_accruals (customer_id, plan_id, business_date, step, interest_fen, fee_fen, entry_id)
      select customer_id, plan_id, ${date}::date, 'income', interest, fee, entry_id from baseline_earned where interest + fee > 0`.execute(tx));
    count('entries', await sql`insert into journal_entries (customer_id, id, kind, reference, business_date, created_at)
      select customer_id, entry_id, 'income.earned', 'baseline', ${date}::date, now() from baseline_earned where interest + fee > 0`.execute(tx));
    count('postings', await sql`insert into postings (customer_id, entry_id, seq, debit_account, credit_account, plan_id, amount_fen, business_date)
      select customer_id, entry_id, 0, 'unearned.interest', 'income.interest', plan_id, interest, ${date}::date from baseline_earned where interest > 0
      union all select customer_id, entry_id, 1, 'unearned.fee', 'income.fee', plan_id, fee, ${date}::date from baseline_earned where fee > 0`.execute(tx));
    count('outbox', await sql`insert into close_outbox (customer_id, plan_id, installment_number, kind, business_date, send_on, created_at)
      select customer_id, plan_id, number, k.kind, ${date}::date, ${date}::date + 1, now() from installments
      cross join (values ('auto_debit'), ('overdue_1')) as k(kind)
      where due_date = ${date}::date and settled_on is null`.execute(tx));
    count('penalties', await sql`update installments set penalty_fen = penalty_fen + (principal_fen - paid_principal_fen) * 5 / 10000
      where settled_on is null and due_date < ${date}::date - 3`.execute(tx));
    count('dpd', await sql`update plans p set days_past_due = ${date}::date - o.due
      from (select customer_id, plan_id, min(due_date) as due from installments where settled_on is null and due_date < ${date}::date group by 1, 2) o
      where p.customer_id = o.customer_id and p.id = o.plan_id`.execute(tx));
    throw new Rollback();
  }).catch((e) => { if (!(e instanceof Rollback)) throw e; });
  return { seconds: (Date.now() - started) / 1000, rows };
}

class Rollback extends Error {}
