import { sql, type Kysely } from 'kysely';

/**
 * The daily close (日终). Exactly-once is carried by keys, not by care: every posting the
 * close makes is written in the same transaction as a close_accruals row whose primary key
 * is (customer, plan, date, step), so a re-run, a second worker or a repayment bringing a
 * plan up to date inline can never post the same day twice.
 *
 * Work is split by a hash of the customer id into 1024 buckets; a partition is a range of
 * buckets. The bucket expression is indexed together with the due date, so a partition
 * reads only its own installments falling due that day, by keyset, without scanning the
 * portfolio. `uuid_hash` is PostgreSQL's own (immutable) hash for uuid.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
alter table plans
  add column days_past_due int not null default 0 check (days_past_due >= 0),
  add column delinquency_bucket text not null default 'M0';
create index plans_past_due on plans (customer_id, id) where days_past_due > 0;

-- A write-off takes what is outstanding off the receivable, recorded as waivers so that the
-- plan's sub-ledger still equals schedule − paid − waived.
alter table waivers drop constraint waivers_source_check;
alter table waivers add constraint waivers_source_check
  check (source in ('payoff', 'staff', 'return', 'hardship', 'cancellation', 'outage', 'writeoff'));

create index installments_close_due on installments (due_date, (uuid_hash(customer_id) & 1023), customer_id, plan_id, number);
-- Unpaid installments by bucket: a partition finds its overdue plans without reading anyone else's.
create index installments_close_open on installments ((uuid_hash(customer_id) & 1023), due_date) include (customer_id, plan_id) where settled_on is null;
-- Installments settled after their due date: the close must still charge the day they were paid.
create index installments_settled_late on installments (settled_on) where settled_on > due_date;

-- UUIDv7 in SQL, for rows the set-based steps insert (journal entries): time-ordered like the app's ids.
create function fenqi_uuidv7() returns uuid language sql volatile as $$
  select encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
    placing substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3) from 1 for 6), 52, 1), 53, 1), 'hex')::uuid
$$;

create table close_runs (
  business_date date primary key,
  status text not null check (status in ('running', 'done')),
  partitions int not null check (partitions > 0),
  plans_total bigint not null default 0,
  started_at timestamptz not null,
  finished_at timestamptz,
  counts jsonb not null default '{}',
  errors int not null default 0
);

create table close_partitions (
  business_date date not null references close_runs(business_date),
  partition int not null,
  bucket_from int not null,
  bucket_to int not null,
  status text not null check (status in ('pending', 'running', 'done')),
  step text not null default 'income',
  cursor jsonb,
  claimed_by text,
  lease_until timestamptz,
  attempts int not null default 0,
  plans_total bigint not null default 0,
  plans_done bigint not null default 0,
  counts jsonb not null default '{}',
  started_at timestamptz,
  finished_at timestamptz,
  primary key (business_date, partition)
);

create table close_accruals (
  customer_id uuid not null,
  plan_id uuid not null,
  business_date date not null,
  step text not null check (step in ('income', 'charges')),
  interest_fen bigint not null default 0 check (interest_fen >= 0),
  fee_fen bigint not null default 0 check (fee_fen >= 0),
  penalty_fen bigint not null default 0 check (penalty_fen >= 0),
  late_fee_fen bigint not null default 0 check (late_fee_fen >= 0),
  -- The journal entry that carried this accrual (one entry per plan, date and step).
  entry_id uuid not null,
  primary key (customer_id, plan_id, business_date, step)
);

create table close_errors (
  customer_id uuid not null,
  plan_id uuid not null,
  business_date date not null,
  step text not null,
  message text not null,
  at timestamptz not null,
  resolved_at timestamptz,
  primary key (customer_id, plan_id, business_date)
);
create index close_errors_open on close_errors (business_date) where resolved_at is null;

-- What later consumers act on (notices, auto-debit); the close only queues.
create table close_outbox (
  customer_id uuid not null,
  plan_id uuid not null,
  installment_number int not null,
  kind text not null,
  business_date date not null,
  send_on date not null,
  created_at timestamptz not null,
  consumed_at timestamptz,
  primary key (customer_id, plan_id, installment_number, kind, business_date)
);
create index close_outbox_pending on close_outbox (send_on, kind) where consumed_at is null;
`.execute(db);
}
