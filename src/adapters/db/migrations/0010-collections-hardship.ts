import { sql, type Kysely } from 'kysely';

/**
 * Collections (催收) and hardship plans (协商还款), issue 6. Cases, contacts, promises and
 * offers are customer-owned and keyed by customer_id first. A contact row has no column for
 * anyone but the customer on purpose: China's collection conduct rules forbid contacting
 * third parties, so the schema cannot record one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
create table collection_cases (
  customer_id uuid not null,
  id uuid not null,
  plan_id uuid not null,
  status text not null check (status in ('open', 'cured', 'paid', 'restructured', 'closed')),
  bucket text not null,
  days_past_due int not null check (days_past_due >= 0),
  -- The api key of the agent working the case (staff are api keys with role 'agent').
  agent_id uuid,
  assigned_at timestamptz,
  opened_on date not null,
  closed_on date,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (customer_id, id)
);
create unique index collection_cases_one_open on collection_cases (customer_id, plan_id) where status = 'open';
create index collection_cases_open_by_agent on collection_cases (agent_id) where status = 'open';

create table collection_contacts (
  customer_id uuid not null,
  id uuid not null,
  case_id uuid not null,
  agent_id uuid not null,
  channel text not null check (channel in ('phone', 'sms', 'app')),
  outcome text not null check (outcome in ('reached', 'no_answer', 'busy', 'promise_to_pay', 'refused_to_pay', 'dispute', 'hardship_requested')),
  note text,
  contacted_at timestamptz not null,
  -- Calendar day in Asia/Shanghai of contacted_at: the daily cap counts per this day.
  contact_day date not null,
  business_date date not null,
  primary key (customer_id, id)
);
create index collection_contacts_by_day on collection_contacts (customer_id, contact_day);

create table payment_promises (
  customer_id uuid not null,
  id uuid not null,
  case_id uuid not null,
  plan_id uuid not null,
  agent_id uuid not null,
  promised_on date not null,
  amount_fen bigint not null check (amount_fen > 0),
  status text not null check (status in ('open', 'kept', 'broken')),
  made_at timestamptz not null,
  business_date date not null,
  resolved_on date,
  paid_fen bigint,
  primary key (customer_id, id)
);
create index payment_promises_open on payment_promises (promised_on) where status = 'open';

-- Round-robin position: the last agent given a case. One row, not customer data.
create table collection_assignment_cursor (
  key text primary key,
  last_agent_id uuid not null
);

create table hardship_plans (
  customer_id uuid not null,
  id uuid not null,
  plan_id uuid not null,
  status text not null check (status in ('offered', 'accepted', 'declined', 'expired', 'cancelled')),
  approval text not null check (approval in ('not_needed', 'pending', 'approved')),
  terms int not null check (terms between 1 and 60),
  first_due_date date not null,
  -- Penalty the customer still owes after the waiver: what is charged between offer and
  -- acceptance is waived too, so the schedule the customer saw does not move.
  penalty_kept_fen bigint not null check (penalty_kept_fen >= 0),
  penalty_waived_fen bigint not null check (penalty_waived_fen >= 0),
  capitalised_fen bigint not null check (capitalised_fen >= 0),
  preview jsonb not null,
  offered_by text not null,
  approved_by text,
  offered_on date not null,
  expires_at timestamptz not null,
  accepted_on date,
  accepted_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (customer_id, id)
);
create unique index hardship_plans_one_offer on hardship_plans (customer_id, plan_id) where status = 'offered';
`.execute(db);
}
