import { sql, type RawBuilder } from 'kysely';
import { installmentTuplesOfP, openPlansByCustomer, type OpenPlan, type OpenPlanRow } from '../../../adapters/db/plan-store.ts';
import { IN_FLIGHT } from '../../../core/payments/payment-status.ts';
import { stableList } from '../../../adapters/db/list-params.ts';

/** What the read says per customer besides the plans: the daily close's marks, gateway payments in flight. */
export interface CustomerMarks {
  last_closed_date: string | null;
  close_errors_open: boolean;
  /** [payment id, plan ids] of each gateway payment still in flight (created or pending). */
  payments_in_flight: [string, string[]][];
  /** Which of the asked session token hashes are this customer's live sessions (not revoked, not expired). */
  live_sessions: string[];
}

/** One row per open plan, or one plan-less row for a customer without any; every row carries its customer's marks. */
export type BookRow = Partial<OpenPlanRow> & CustomerMarks & { book_customer_id: string; business_date_value: unknown };

export interface BookRead {
  plans: Map<string, OpenPlan[]>;
  marks: Map<string, CustomerMarks>;
  /** The business date system_state holds, read in the same statement (undefined when none is set). */
  businessDate: string | undefined;
}

/**
 * Everything a batch of repayments reads after it holds its customers' locks, in ONE statement
 * (one round trip whatever the batch): each customer's open plans with their installments,
 * what decides whether the close must catch up first (the last finished close, a close error
 * still open), the gateway payments in flight that a customer repayment must not pay twice
 * (read under the lock, so a payment created by a transaction that held it before is seen,
 * and none can be created until this one commits), the business date, and which of the
 * customer sessions in `sessions` are live (authenticate()'s rule, checked in the transaction
 * that acts on them). Under READ COMMITTED this statement's snapshot is taken once the locks
 * are held. Its text is the same whatever the batch and its estimates do not depend on the
 * values (idsSource; the payment states are literals), so PostgreSQL keeps one generic plan
 * for it instead of planning it again for every batch.
 */
export function bookReadQuery(customerIds: readonly string[], sessions: { tokenHashes: readonly string[]; now: Date } = { tokenHashes: [], now: new Date(0) }): RawBuilder<BookRow> {
  const ids = [...new Set(customerIds)].sort();
  // The plans are openPlansQuery's rows (plan-store.ts), read one customer at a time: the
  // lateral subquery's ORDER BY keeps it from being flattened into a join, so each customer is
  // an index probe on plans whatever the generic plan's estimates (a hash join over a scan of
  // plans was its choice at 300 plans, a cost that grows with the table).
  return sql<BookRow>`
    select c.id::text as book_customer_id,
      (select max(business_date)::text from close_runs where status = 'done') as last_closed_date,
      exists(select 1 from close_errors as e where e.customer_id = c.id and e.resolved_at is null) as close_errors_open,
      (select coalesce(json_agg(json_build_array(y.id, y.plan_ids) order by y.id), '[]'::json) from payments as y
        where y.customer_id = c.id and y.status in (${sql.join(IN_FLIGHT.map((s) => sql.lit(s)))})) as payments_in_flight,
      (select s.value from system_state as s where s.key = 'business_date') as business_date_value,
      (select coalesce(json_agg(v.token_hash), '[]'::json) from sessions as v where v.token_hash = any(${[...new Set(sessions.tokenHashes)]}::text[])
        and v.customer_id = c.id and v.revoked_at is null and v.expires_at > ${sessions.now}::timestamptz) as live_sessions,
      o.*
    from ${idsSource(ids)} as c(id) left join lateral (
      select p.*, ${installmentTuplesOfP} as installment_tuples from plans as p
      where p.customer_id = c.id and p.status = 'active' order by p.created_at, p.id) as o on true
    order by c.id, o.created_at, o.id`;
}

/** A list of ids as a row source whose estimate does not depend on the list (list-params.ts). */
const idsSource = (ids: readonly string[]): RawBuilder<{ id: string }> => sql`unnest(${stableList(ids, 'uuid')})`;

export function parseBookRead(rows: readonly BookRow[]): BookRead {
  const marks = new Map<string, CustomerMarks>();
  const planRows: OpenPlanRow[] = [];
  let businessDate: string | undefined;
  for (const { book_customer_id: customerId, last_closed_date, close_errors_open, payments_in_flight, live_sessions, business_date_value, ...plan } of rows) {
    if (!marks.has(customerId)) marks.set(customerId, { last_closed_date, close_errors_open, payments_in_flight, live_sessions });
    if (typeof business_date_value === 'string') businessDate = business_date_value;
    if (plan.id != null) planRows.push(plan as OpenPlanRow);
  }
  return { plans: openPlansByCustomer(planRows), marks, businessDate };
}
