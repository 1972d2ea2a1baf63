import { sql, type Kysely } from 'kysely';

/**
 * Credit reporting (征信), issue 5. A month is reported once as a full file (version 1);
 * re-running it recomputes every line from the facts and stores only lines that changed, as
 * a corrections file (version 2, 3, ...), each new line naming the version it supersedes.
 * A re-run that finds nothing changed writes nothing, which is what makes the file the same.
 *
 * - credit_report_runs: one row per (month, version); not customer-owned (a batch header).
 * - credit_report_lines: one reported account per plan, month and version, keyed by customer
 *   first (Citus). superseded_by is set on the line a correction replaced, so "the lines in
 *   force for a month" are those with `superseded_by is null`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
create table credit_report_runs (
  report_month date not null,
  version int not null check (version >= 1),
  kind text not null check (kind in ('full', 'corrections')),
  lines int not null check (lines >= 0),
  business_date date not null,
  actor text not null,
  created_at timestamptz not null,
  primary key (report_month, version),
  check ((version = 1) = (kind = 'full'))
);

create table credit_report_lines (
  customer_id uuid not null,
  plan_id uuid not null,
  report_month date not null,
  version int not null,
  customer_ref text not null,
  phone_masked text,
  open_date date not null,
  loan_fen bigint not null,
  credit_line_fen bigint not null,
  balance_fen bigint not null,
  amount_due_fen bigint not null,
  amount_overdue_fen bigint not null,
  days_past_due int not null check (days_past_due >= 0),
  status text not null check (status in ('normal', 'overdue', 'paid_off', 'cancelled', 'refunded', 'written_off', 'restructured')),
  payment_history text not null,
  -- On a correction: the version of the line it replaces (null for a month's first line of
  -- an account) and which reported fields differ ('added' for an account new to the month).
  supersedes int,
  changed_fields text,
  superseded_by int,
  primary key (customer_id, plan_id, report_month, version),
  foreign key (report_month, version) references credit_report_runs (report_month, version) deferrable initially deferred
);
-- A file is read in account order, one version of one month at a time.
create index credit_report_lines_file on credit_report_lines (report_month, version, plan_id);
`.execute(db);
}
