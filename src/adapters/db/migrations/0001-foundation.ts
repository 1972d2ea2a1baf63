import { sql, type Kysely } from 'kysely';

/**
 * Day-one schema. Rules that hold for every table, so it can be distributed by customer on
 * Citus later: every customer-owned row carries customer_id, and its primary key and unique
 * constraints begin with it. Lookups that cross customers (phone, merchant order id) get
 * their own small tables keyed by what is looked up. Money is BIGINT fen; business dates are
 * DATE; instants are timestamptz. IDs come from the application (UUIDv7, time-sortable).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
create table system_state (
  key text primary key,
  value jsonb not null,
  updated_at timestamptz not null
);

create table ledger_accounts (
  code text primary key,
  name text not null,
  normal_side text not null check (normal_side in ('debit', 'credit'))
);

create table merchants (
  id uuid primary key,
  name text not null,
  webhook_url text,
  webhook_secret text not null,
  status text not null default 'active' check (status in ('active', 'suspended')),
  created_at timestamptz not null
);

create table api_keys (
  id uuid primary key,
  merchant_id uuid references merchants(id),
  role text not null check (role in ('merchant', 'admin', 'operator', 'agent', 'supervisor', 'auditor')),
  name text not null,
  key_hash text not null unique,
  key_prefix text not null,
  created_at timestamptz not null,
  revoked_at timestamptz,
  check ((role = 'merchant') = (merchant_id is not null))
);

create table products (
  id uuid not null,
  version int not null,
  code text not null,
  name text not null,
  method text not null,
  terms int not null check (terms between 1 and 360),
  annual_rate text,
  monthly_fee_rate text,
  total_fee_rate text,
  subsidy_rate text,
  rounding text not null,
  grace_days int not null check (grace_days >= 0),
  late_charge_rule jsonb not null,
  allocation_strategy text not null,
  payoff_policy jsonb not null,
  apr_cap text not null,
  status text not null check (status in ('active', 'retired')),
  created_at timestamptz not null,
  primary key (id, version)
);
create unique index products_code_version on products (code, version);

create table merchant_products (
  merchant_id uuid not null references merchants(id),
  product_id uuid not null,
  primary key (merchant_id, product_id)
);

create table customers (
  id uuid primary key,
  phone text,
  phone_masked text,
  statement_day int not null check (statement_day between 1 and 28),
  due_day int not null check (due_day between 1 and 28),
  status text not null check (status in ('active', 'cancelled')),
  created_at timestamptz not null,
  cancelled_at timestamptz
);

create table customer_phones (
  phone_hash text primary key,
  customer_id uuid not null
);

create table credit_lines (
  customer_id uuid primary key,
  limit_fen bigint not null check (limit_fen >= 0),
  used_fen bigint not null default 0 check (used_fen >= 0),
  credit_balance_fen bigint not null default 0 check (credit_balance_fen >= 0),
  frozen boolean not null default false,
  frozen_reason text,
  updated_at timestamptz not null
);

create table plans (
  customer_id uuid not null,
  id uuid not null,
  merchant_id uuid not null,
  merchant_order_id text not null,
  product_id uuid not null,
  product_version int not null,
  description text,
  method text not null,
  terms int not null,
  amount_fen bigint not null check (amount_fen > 0),
  down_payment_fen bigint not null check (down_payment_fen >= 0),
  financed_fen bigint not null check (financed_fen > 0),
  merchant_subsidy_fen bigint not null default 0,
  annual_rate text,
  monthly_fee_rate text,
  total_fee_rate text,
  subsidy_rate text,
  rounding text not null,
  grace_days int not null,
  late_charge_rule jsonb not null,
  allocation_strategy text not null,
  payoff_policy jsonb not null,
  apr text not null,
  start_date date not null,
  first_due_date date not null,
  status text not null check (status in ('pending', 'active', 'paid_off', 'cancelled', 'refunded', 'written_off')),
  decision jsonb not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  closed_on date,
  primary key (customer_id, id)
);
create index plans_status on plans (status) where status = 'active';

create table merchant_orders (
  merchant_id uuid not null,
  merchant_order_id text not null,
  customer_id uuid not null,
  plan_id uuid not null,
  primary key (merchant_id, merchant_order_id)
);

create table installments (
  customer_id uuid not null,
  plan_id uuid not null,
  number int not null,
  due_date date not null,
  principal_fen bigint not null check (principal_fen >= 0),
  interest_fen bigint not null check (interest_fen >= 0),
  fee_fen bigint not null check (fee_fen >= 0),
  penalty_fen bigint not null default 0 check (penalty_fen >= 0),
  paid_principal_fen bigint not null default 0,
  paid_interest_fen bigint not null default 0,
  paid_fee_fen bigint not null default 0,
  paid_penalty_fen bigint not null default 0,
  waived_principal_fen bigint not null default 0,
  waived_interest_fen bigint not null default 0,
  waived_fee_fen bigint not null default 0,
  waived_penalty_fen bigint not null default 0,
  settled_on date,
  primary key (customer_id, plan_id, number),
  check (paid_principal_fen >= 0 and paid_principal_fen + waived_principal_fen <= principal_fen),
  check (paid_interest_fen >= 0 and paid_interest_fen + waived_interest_fen <= interest_fen),
  check (paid_fee_fen >= 0 and paid_fee_fen + waived_fee_fen <= fee_fen),
  check (paid_penalty_fen >= 0 and paid_penalty_fen + waived_penalty_fen <= penalty_fen)
);
create index installments_open_due on installments (due_date) where settled_on is null;

create table repayments (
  customer_id uuid not null,
  id uuid not null,
  plan_id uuid,
  kind text not null check (kind in ('installment', 'bill', 'amount', 'payoff', 'credit_balance')),
  amount_fen bigint not null check (amount_fen > 0),
  applied_fen bigint not null check (applied_fen >= 0),
  to_credit_balance_fen bigint not null check (to_credit_balance_fen >= 0),
  -- Charges collected outside any installment (an early-repayment fee).
  charges_fen bigint not null default 0 check (charges_fen >= 0),
  channel text not null,
  external_ref text,
  status text not null check (status in ('posted', 'reversed')),
  business_date date not null,
  created_at timestamptz not null,
  reversed_at timestamptz,
  reversal_reason text,
  primary key (customer_id, id),
  check (applied_fen + to_credit_balance_fen + charges_fen = amount_fen)
);

-- Amounts forgiven (减免): future interest and fees at an early payoff, a staff waiver, a return.
create table waivers (
  customer_id uuid not null,
  id uuid not null,
  plan_id uuid not null,
  installment_number int not null,
  component text not null check (component in ('principal', 'interest', 'fee', 'penalty')),
  amount_fen bigint not null check (amount_fen > 0),
  source text not null check (source in ('payoff', 'staff', 'return', 'hardship', 'cancellation', 'outage')),
  reason text not null,
  repayment_id uuid,
  actor text not null,
  business_date date not null,
  created_at timestamptz not null,
  reversed_at timestamptz,
  primary key (customer_id, id)
);
create index waivers_plan on waivers (customer_id, plan_id);

-- Merchant returns (退货): full or partial, and what they did to the plan.
create table returns (
  customer_id uuid not null,
  id uuid not null,
  plan_id uuid not null,
  merchant_id uuid not null,
  kind text not null check (kind in ('full', 'partial', 'cancellation')),
  amount_fen bigint not null check (amount_fen >= 0),
  principal_reduced_fen bigint not null check (principal_reduced_fen >= 0),
  refunded_fen bigint not null check (refunded_fen >= 0),
  reason text,
  business_date date not null,
  created_at timestamptz not null,
  primary key (customer_id, id)
);

-- Every schedule a plan has had, newest last: a partial return or a hardship plan re-amortises
-- the open installments, and the schedule it replaced is kept here.
create table schedule_history (
  customer_id uuid not null,
  plan_id uuid not null,
  version int not null,
  reason text not null,
  schedule jsonb not null,
  business_date date not null,
  created_at timestamptz not null,
  primary key (customer_id, plan_id, version)
);

-- Money going back to a customer: a credit balance on request, a return, an overpayment.
create table refunds (
  customer_id uuid not null,
  id uuid not null,
  kind text not null check (kind in ('credit_balance', 'return', 'overpayment')),
  plan_id uuid,
  amount_fen bigint not null check (amount_fen > 0),
  channel text not null,
  status text not null check (status in ('pending', 'succeeded', 'manual', 'failed')),
  external_ref text,
  business_date date not null,
  created_at timestamptz not null,
  primary key (customer_id, id)
);

create table allocations (
  customer_id uuid not null,
  repayment_id uuid not null,
  seq int not null,
  plan_id uuid not null,
  installment_number int not null,
  component text not null check (component in ('principal', 'interest', 'fee', 'penalty')),
  amount_fen bigint not null check (amount_fen > 0),
  primary key (customer_id, repayment_id, seq)
);

create table journal_entries (
  customer_id uuid not null,
  id uuid not null,
  kind text not null,
  reference text not null,
  business_date date not null,
  created_at timestamptz not null,
  primary key (customer_id, id)
);

-- A posting is a debit and a credit of one amount: entries balance by construction.
create table postings (
  customer_id uuid not null,
  entry_id uuid not null,
  seq int not null,
  debit_account text not null references ledger_accounts(code),
  credit_account text not null references ledger_accounts(code),
  plan_id uuid,
  amount_fen bigint not null check (amount_fen > 0),
  business_date date not null,
  primary key (customer_id, entry_id, seq),
  foreign key (customer_id, entry_id) references journal_entries(customer_id, id),
  check (debit_account <> credit_account)
);
create index postings_plan on postings (customer_id, plan_id);
create index postings_date on postings (business_date);

create table idempotency_keys (
  scope text not null,
  key text not null,
  fingerprint text not null,
  state text not null check (state in ('in_flight', 'done')),
  response_status int,
  response_body jsonb,
  created_at timestamptz not null,
  primary key (scope, key)
);

create table audit_log (
  id uuid primary key,
  at timestamptz not null,
  actor text not null,
  action text not null,
  target text,
  ip text,
  details jsonb not null default '{}'
);

-- Append-only: the audit log and the ledger can be added to, never edited.
create function fenqi_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception '% is append-only', tg_table_name;
end $$;
create trigger audit_log_append_only before update or delete on audit_log for each row execute function fenqi_refuse_change();
create trigger postings_append_only before update or delete on postings for each row execute function fenqi_refuse_change();
create trigger journal_entries_append_only before update or delete on journal_entries for each row execute function fenqi_refuse_change();

create table events (
  id uuid primary key,
  topic text not null,
  merchant_id uuid,
  customer_id uuid,
  payload jsonb not null,
  created_at timestamptz not null
);

create table webhook_deliveries (
  id uuid primary key,
  event_id uuid not null references events(id),
  merchant_id uuid not null,
  url text not null,
  status text not null check (status in ('pending', 'delivered', 'failed')),
  attempts int not null default 0,
  next_attempt_at timestamptz not null,
  last_status_code int,
  last_error text,
  created_at timestamptz not null,
  delivered_at timestamptz
);
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'pending';

create table otp_codes (
  id uuid primary key,
  phone_hash text not null,
  code_hash text not null,
  purpose text not null,
  attempts int not null default 0,
  expires_at timestamptz not null,
  used_at timestamptz,
  ip text,
  created_at timestamptz not null
);
create index otp_codes_phone on otp_codes (phone_hash, created_at);

create table sessions (
  token_hash text primary key,
  customer_id uuid not null,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  reauthenticated_at timestamptz,
  revoked_at timestamptz
);
create index sessions_customer on sessions (customer_id);
`.execute(db);
}
