import { sql, type Kysely } from 'kysely';

/**
 * Funding partners (资金方) and repayment entrances (还款入口), issue 6.
 *
 * - partners: a few dozen rows, read whole by routing. quota_used_fen is the partner's
 *   outstanding funded principal: raised at checkout, lowered when principal goes back to the
 *   partner (daily settlement of collections and returns), moved by portfolio transfers.
 * - plan_funding: who owns a plan from which business date. Every ownership change appends a
 *   version (never an update), so "who owned this plan on D" is a query, and so is the plan's
 *   funding history. Co-lenders of one version are rows with seq 0..n (seq 0 leads, the last
 *   absorbs rounding). Keyed by customer first (Citus).
 * - partner_settlements: one row per (partner, business date), which is what makes a re-run
 *   of a day change nothing; it keeps the file it produced and the journal entry it posted.
 * - portfolio_transfers (+ _plans): an asset sale or buyback, keyed by the caller's transfer id.
 * - continuity_notices: customer notices this part must send (a transfer, a protected due
 *   date), one per customer per cause by dedup_key; the notice sender consumes them.
 * - entrances, their status history (every change, back-dated ones included) and maintenance
 *   windows; incidents declared by operators; plan_protections: each protected installment,
 *   why, and its extended due date, which the daily close reads.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
create table partners (
  id uuid primary key,
  code text not null unique,
  name text not null,
  status text not null check (status in ('active', 'paused', 'retired')),
  priority int not null check (priority >= 0),
  quota_fen bigint not null check (quota_fen >= 0),
  quota_used_fen bigint not null default 0,
  lenders jsonb not null,
  product_ids jsonb not null,
  merchant_ids jsonb not null,
  settlement_mode text not null check (settlement_mode in ('daily_net')),
  settlement_account text,
  created_at timestamptz not null,
  updated_at timestamptz not null
);

create table plan_funding (
  customer_id uuid not null,
  plan_id uuid not null,
  version int not null check (version >= 1),
  seq int not null check (seq >= 0),
  partner_id uuid not null references partners(id),
  share_bp int not null check (share_bp between 1 and 10000),
  effective_date date not null,
  reason jsonb not null,
  transfer_id uuid,
  created_at timestamptz not null,
  primary key (customer_id, plan_id, version, seq)
);
create index plan_funding_partner on plan_funding (partner_id, effective_date);

create table partner_settlements (
  partner_id uuid not null references partners(id),
  business_date date not null,
  plans int not null,
  principal_funded_fen bigint not null,
  merchant_subsidy_fen bigint not null,
  collected_principal_fen bigint not null,
  collected_interest_fen bigint not null,
  collected_fee_fen bigint not null,
  collected_penalty_fen bigint not null,
  returned_principal_fen bigint not null,
  net_due_fen bigint not null,
  csv text not null,
  entry_id uuid,
  created_at timestamptz not null,
  primary key (partner_id, business_date)
);

create table portfolio_transfers (
  id uuid primary key,
  from_partner_id uuid not null references partners(id),
  to_partner_id uuid not null references partners(id),
  effective_date date not null,
  selection jsonb not null,
  fingerprint text not null,
  plans int not null,
  customers int not null,
  principal_fen bigint not null,
  reason text not null,
  actor text not null,
  created_at timestamptz not null,
  check (from_partner_id <> to_partner_id)
);

create table portfolio_transfer_plans (
  customer_id uuid not null,
  transfer_id uuid not null,
  plan_id uuid not null,
  share_bp int not null,
  principal_fen bigint not null,
  entry_id uuid,
  primary key (customer_id, transfer_id, plan_id)
);
create index portfolio_transfer_plans_transfer on portfolio_transfer_plans (transfer_id);

create table continuity_notices (
  customer_id uuid not null,
  id uuid not null,
  kind text not null check (kind in ('portfolio_transfer', 'due_date_protected')),
  dedup_key text not null,
  payload jsonb not null,
  business_date date not null,
  created_at timestamptz not null,
  sent_at timestamptz,
  primary key (customer_id, id),
  unique (customer_id, dedup_key)
);
create index continuity_notices_unsent on continuity_notices (created_at) where sent_at is null;

create table entrances (
  code text primary key,
  kind text not null check (kind in ('fenqi_portal', 'store_app', 'partner_app', 'bank_transfer', 'auto_debit')),
  name text not null,
  url text not null,
  status text not null check (status in ('open', 'degraded', 'closed')),
  priority int not null check (priority >= 0),
  serves jsonb not null,
  successor_code text references entrances(code),
  created_at timestamptz not null,
  updated_at timestamptz not null
);

create table entrance_status_history (
  id uuid primary key,
  code text not null references entrances(code),
  status text not null check (status in ('open', 'degraded', 'closed')),
  reason text not null,
  actor text not null,
  changed_at timestamptz not null,
  recorded_at timestamptz not null
);
create index entrance_status_history_code on entrance_status_history (code, changed_at);

create table entrance_maintenance (
  id uuid primary key,
  code text not null references entrances(code),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  reason text not null,
  created_at timestamptz not null,
  cancelled_at timestamptz,
  check (ends_at > starts_at)
);
create index entrance_maintenance_code on entrance_maintenance (code, starts_at);

create table incidents (
  id uuid primary key,
  title text not null,
  scope jsonb not null,
  starts_at timestamptz not null,
  ends_at timestamptz,
  status text not null check (status in ('open', 'ended')),
  declared_by text not null,
  ended_by text,
  review text,
  created_at timestamptz not null,
  check (ends_at is null or ends_at >= starts_at)
);

create table plan_protections (
  customer_id uuid not null,
  plan_id uuid not null,
  installment_number int not null,
  cause_kind text not null check (cause_kind in ('outage', 'entrance_moved', 'incident')),
  cause_ref text not null,
  due_date date not null,
  window_from date not null,
  window_to date not null,
  extended_due_date date not null,
  detail jsonb not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (customer_id, plan_id, installment_number, cause_kind, cause_ref)
);
create index plan_protections_extended on plan_protections (extended_due_date);

-- Settlement reads one business day of new plans, repayments and returns.
create index settlement_plans_start on plans (start_date);
create index settlement_repayments_day on repayments (business_date);
create index settlement_returns_day on returns (business_date);
`.execute(db);
}
