import { sql, type Kysely } from 'kysely';

/**
 * Customer service (客服), issue 6.
 *
 * - service_tickets: one row per ticket, keyed by customer first (Citus). The SLA due times
 *   are stored when the ticket opens (the rules may change later; a promise made stays made);
 *   "breached" is never stored, it is computed from the clock on read. The unique index on
 *   id alone serves the agent's /v1/service/tickets/:id; the queue index serves the console.
 * - service_ticket_events: the full history, append-only: every status change, comment,
 *   assignment and agent action, with who and when.
 * - service_approvals: a waiver or refund above the requester's limit, waiting for a second
 *   person. The money moves only when it is approved, in the approval's transaction, and the
 *   status check (pending → approved) in that transaction makes it happen once.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
create table service_tickets (
  customer_id uuid not null,
  id uuid not null,
  category text not null check (category in ('cannot_find_entrance', 'repayment_failed', 'debited_not_recorded', 'fee_dispute', 'refund', 'account_cancellation', 'other')),
  status text not null check (status in ('open', 'in_progress', 'waiting_customer', 'resolved', 'closed')),
  subject text not null,
  description text not null,
  source text not null check (source in ('portal', 'agent')),
  opened_by text not null,
  assignee text,
  plan_ids jsonb not null,
  payment_ids jsonb not null,
  first_response_due_at timestamptz not null,
  resolution_due_at timestamptz not null,
  first_response_at timestamptz,
  resolved_at timestamptz,
  closed_at timestamptz,
  business_date date not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (customer_id, id)
);
create unique index service_tickets_by_id on service_tickets (id);
create index service_tickets_queue on service_tickets (status, resolution_due_at);
create index service_tickets_assignee on service_tickets (assignee, status);

create table service_ticket_events (
  customer_id uuid not null,
  ticket_id uuid not null,
  id uuid not null,
  at timestamptz not null,
  actor text not null,
  kind text not null check (kind in ('opened', 'status', 'comment', 'assigned', 'action')),
  from_status text,
  to_status text,
  body text,
  detail jsonb not null,
  primary key (customer_id, ticket_id, id)
);

create table service_approvals (
  customer_id uuid not null,
  id uuid not null,
  ticket_id uuid,
  kind text not null check (kind in ('waive', 'refund')),
  amount_fen bigint not null check (amount_fen > 0),
  params jsonb not null,
  reason text not null,
  requested_by text not null,
  requested_role text not null,
  status text not null check (status in ('pending', 'approved', 'rejected')),
  decided_by text,
  decided_role text,
  decided_at timestamptz,
  decision_note text,
  result jsonb,
  created_at timestamptz not null,
  primary key (customer_id, id)
);
create unique index service_approvals_by_id on service_approvals (id);
create index service_approvals_queue on service_approvals (status, created_at);

-- Agents find a customer by the plan id a customer reads out from a contract or an SMS;
-- plans are keyed by customer first, so without this that lookup scans every plan.
create index plans_by_id on plans (id);
`.execute(db);
}
