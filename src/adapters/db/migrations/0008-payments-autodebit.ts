import { sql, type Kysely } from 'kysely';

/**
 * Auto-debit (自动扣款), beside the payments of 0004:
 * - autodebit_agreements: a customer's agreement with a gateway, for one plan or all plans.
 * - autodebit_attempts: 扣款记录, one row per ladder step taken.
 * - sandbox_agreements: the sandbox gateway's own record of agreements (revocable there).
 * - reconciliations: the stored result of `reconcile` per gateway and statement day.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
create table autodebit_agreements (
  customer_id uuid not null,
  id uuid not null,
  plan_id uuid,
  gateway text not null check (gateway in ('sandbox', 'alipay', 'wechatpay')),
  agreement_no text not null,
  status text not null check (status in ('active', 'cancelled', 'revoked')),
  created_at timestamptz not null,
  ended_at timestamptz,
  end_reason text,
  primary key (customer_id, id)
);
-- One active agreement per plan, and one for all plans (plan_id null).
create unique index autodebit_one_active on autodebit_agreements (customer_id, coalesce(plan_id, '00000000-0000-0000-0000-000000000000'::uuid)) where status = 'active';

-- 扣款记录: one row per ladder step taken; the unique key makes a step run at most once,
-- even when two runners or a restart reach it together.
create table autodebit_attempts (
  customer_id uuid not null,
  id uuid not null,
  agreement_id uuid not null,
  due_date date not null,
  slot int not null,
  scheduled_at timestamptz not null,
  amount_fen bigint not null default 0 check (amount_fen >= 0),
  result text not null check (result in ('running', 'succeeded', 'insufficient_funds', 'agreement_revoked', 'failed', 'skipped')),
  reason text,
  payment_id uuid,
  created_at timestamptz not null,
  finished_at timestamptz,
  primary key (customer_id, id),
  unique (customer_id, agreement_id, due_date, slot)
);

create table sandbox_agreements (
  agreement_no text primary key,
  status text not null check (status in ('active', 'revoked')),
  created_at timestamptz not null
);
create table reconciliations (
  gateway text not null,
  statement_date date not null,
  first_run_at timestamptz not null,
  last_run_at timestamptz not null,
  report jsonb not null,
  primary key (gateway, statement_date)
);
`.execute(db);
}
