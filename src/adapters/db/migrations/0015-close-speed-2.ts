import { sql, type Kysely } from 'kysely';

/**
 * Daily close at 1M plans (issue 5), second round. The bill_ready step (app/close/
 * bill-ready-step.ts) pages through the customers whose statement falls on the date; this
 * index makes that a range scan of those customers instead of a scan of all of them.
 * Idempotent (IF NOT EXISTS) so a database made before this slot was filled in — a kept
 * bench template — can be brought up to it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index if not exists customers_statement_cycle on customers (statement_day, due_day, id)`.execute(db);
}
