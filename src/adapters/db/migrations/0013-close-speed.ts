import { sql, type Kysely } from 'kysely';

/**
 * Daily close (issue 5): the record of whole-date steps, so each runs once per date and a
 * crash between a step and its record only runs that (idempotent) step again. Statements
 * are idempotent (IF NOT EXISTS) so a database made before this slot was filled in can be
 * brought up to it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
create table if not exists close_run_steps (
  business_date date not null references close_runs(business_date),
  name text not null,
  phase text not null check (phase in ('before', 'after')),
  counts jsonb not null default '{}',
  finished_at timestamptz not null,
  primary key (business_date, name)
);
`.execute(db);
}
