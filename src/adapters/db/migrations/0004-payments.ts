import { sql, type Kysely } from 'kysely';

/**
 * Payments through gateways (issue 4). A payment is the customer's attempt to pay through a
 * gateway; it becomes a repayment exactly once, when the money is known to have arrived.
 *
 * - payments: keyed by customer first (Citus). `plan_ids` are the plans the target touches,
 *   so a second attempt on the same installment or bill can be refused while one is in flight.
 * - payment_orders: the cross-customer lookup a notification needs (it carries only our
 *   out_trade_no), like merchant_orders.
 * - payment_notifications: every notification received, verified or not, with its verdict.
 * - alerts: things operations must look at (a validly signed notification that does not
 *   match, a gateway outage). dedup_key keeps a gateway's retries from flooding the list.
 * - sandbox_trades: the built-in sandbox gateway's own books (what a real provider keeps on
 *   its side), read by its status query and its statement file.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
create table payments (
  customer_id uuid not null,
  id uuid not null,
  gateway text not null check (gateway in ('sandbox', 'alipay', 'wechatpay')),
  out_trade_no text not null,
  kind text not null check (kind in ('installment', 'bill', 'amount', 'payoff')),
  target jsonb not null,
  plan_ids jsonb not null,
  amount_fen bigint not null check (amount_fen > 0),
  status text not null check (status in ('created', 'pending', 'succeeded', 'failed', 'expired')),
  payload jsonb,
  gateway_ref text,
  repayment_id uuid,
  settled_by text,
  failure_reason text,
  query_attempts int not null default 0,
  next_query_at timestamptz not null,
  expires_at timestamptz not null,
  business_date date not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  settled_at timestamptz,
  primary key (customer_id, id),
  check ((status = 'succeeded') = (repayment_id is not null))
);
create index payments_due_for_query on payments (next_query_at) where status in ('created', 'pending');

create table payment_orders (
  out_trade_no text primary key,
  customer_id uuid not null,
  payment_id uuid not null,
  gateway text not null
);

create table payment_notifications (
  id uuid primary key,
  gateway text not null,
  out_trade_no text,
  payment_id uuid,
  verdict text not null check (verdict in ('posted', 'duplicate', 'not_paid', 'rejected', 'mismatch')),
  reason text,
  amount_fen bigint,
  received_at timestamptz not null
);
create index payment_notifications_payment on payment_notifications (payment_id) where payment_id is not null;

create table alerts (
  id uuid primary key,
  kind text not null,
  severity text not null check (severity in ('info', 'warning', 'critical')),
  gateway text,
  out_trade_no text,
  message text not null,
  details jsonb not null,
  dedup_key text not null unique,
  occurrences int not null default 1,
  created_at timestamptz not null,
  last_seen_at timestamptz not null,
  acknowledged_at timestamptz
);

create table sandbox_trades (
  out_trade_no text primary key,
  trade_no text not null unique,
  amount_fen bigint not null check (amount_fen > 0),
  subject text not null,
  status text not null check (status in ('waiting', 'paid', 'failed', 'closed')),
  refunded_fen bigint not null default 0,
  created_at timestamptz not null,
  paid_at timestamptz,
  expires_at timestamptz not null
);
create table sandbox_refunds (
  out_request_no text primary key,
  out_trade_no text not null references sandbox_trades(out_trade_no),
  amount_fen bigint not null check (amount_fen > 0),
  refunded_at timestamptz not null
);
`.execute(db);
}
