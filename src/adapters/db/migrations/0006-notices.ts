import { sql, type Kysely } from 'kysely';

/**
 * Reminders and notices. Every table is keyed by customer_id first (Citus distribution).
 *
 * notices: one row per notice, unique per (customer, dedup_key) — so a notice enqueued twice
 * (a re-run close, two plans due on one bill, a retried request) is one row and one message.
 * Amounts are not stored: they are read from the bill when the notice is sent, so a customer
 * who paid at 07:00 is not asked at 08:00 to pay again. `channels` is the fallback order fixed
 * at enqueue; `channel_index` and `attempts` say where the notice stands in it. `sending_since`
 * is set just before a provider is called and cleared with the outcome: a row found with it
 * set after its lease ran out died mid-send, and is marked 'unknown' rather than sent again
 * (at most once).
 *
 * notice_deliveries: every attempt and its result (sent, failed, deferred for quiet hours,
 * skipped for lack of an address), with the provider's reference — the delivery record.
 *
 * inbox_messages: the in-app inbox the portal shows. Text is rendered once, in the customer's
 * locale, and holds no phone numbers or links (the portal builds the pay button from
 * action_path).
 *
 * notice_contacts: how to reach a customer besides the phone on the customer row: the
 * notice locale and an email address, used only once verified by a signed link.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
create table notice_contacts (
  customer_id uuid primary key,
  locale text not null default 'zh-CN' check (locale in ('zh-CN', 'en')),
  email text,
  email_verified_at timestamptz,
  pending_email text,
  pending_email_at timestamptz,
  updated_at timestamptz not null
);

create table notices (
  customer_id uuid not null,
  id uuid not null,
  kind text not null,
  dedup_key text not null,
  business_date date not null,
  plan_id uuid,
  installment_number int,
  due_date date,
  facts jsonb not null default '{}',
  channels jsonb not null,
  inbox boolean not null,
  status text not null check (status in ('pending', 'sent', 'failed', 'skipped', 'unknown')),
  channel_index int not null default 0,
  attempts int not null default 0,
  next_attempt_at timestamptz not null,
  lease_until timestamptz,
  sending_since timestamptz,
  inboxed_at timestamptz,
  sent_channel text,
  sent_at timestamptz,
  outcome text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (customer_id, id),
  unique (customer_id, dedup_key)
);
create index notices_due on notices (next_attempt_at) where status = 'pending';

create table notice_deliveries (
  customer_id uuid not null,
  id uuid not null,
  notice_id uuid not null,
  channel text not null,
  provider text not null,
  status text not null check (status in ('sent', 'failed', 'deferred', 'skipped', 'unknown')),
  permanent boolean not null default false,
  provider_ref text,
  error text,
  at timestamptz not null,
  primary key (customer_id, id)
);
create index notice_deliveries_notice on notice_deliveries (customer_id, notice_id);

create table inbox_messages (
  customer_id uuid not null,
  id uuid not null,
  notice_id uuid,
  kind text not null,
  title text not null,
  body text not null,
  action_path text,
  created_at timestamptz not null,
  read_at timestamptz,
  primary key (customer_id, id)
);
create unique index inbox_messages_notice on inbox_messages (customer_id, notice_id) where notice_id is not null;
create index inbox_messages_unread on inbox_messages (customer_id) where read_at is null;
`.execute(db);
}
