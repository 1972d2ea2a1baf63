import { sql, type RawBuilder } from 'kysely';
import { addDays, type BusinessDate } from '../../../core/calendar/business-date.ts';
import type { OpenPlanRow } from '../../../adapters/db/plan-store.ts';
import { systemActor } from '../../context.ts';
import { ensurePlanClosedThrough } from '../../close/ensure-plan-closed.ts';
import type { BatchContext } from './post-repayments.ts';

/** What the plans read also says about the daily close, per customer. */
export interface CloseMarks { last_closed_date: string | null; close_errors_open: boolean }
export type MarkedPlanRow = OpenPlanRow & CloseMarks;

/**
 * The open-plans read with what decides whether a repayment must first bring its customer's
 * plans up to date: the last finished close, and whether a close left one of the customer's
 * plans failed. Carried by the read every repayment makes anyway (after the customer locks,
 * so it sees what the last close or catch-up committed), the common case costs no round trip.
 */
export function withCloseMarks(plans: RawBuilder<OpenPlanRow>): RawBuilder<MarkedPlanRow> {
  return sql<MarkedPlanRow>`
    select o.*, (select max(business_date)::text from close_runs where status = 'done') as last_closed_date,
      exists(select 1 from close_errors as e where e.customer_id = o.customer_id and e.resolved_at is null) as close_errors_open
    from (${plans}) as o order by o.customer_id, o.created_at, o.id`;
}

/**
 * Customers whose active plans the close has not finished through the day before `today`
 * (missed closes, a close still running, or a plan the close failed on). A deployment that
 * has never finished a close has nothing it missed: its plans are not walked through the past.
 */
export function customersBehindClose(rows: readonly MarkedPlanRow[], today: BusinessDate): string[] {
  const yesterday = addDays(today, -1);
  const behind = new Set<string>();
  for (const r of rows) {
    if (r.close_errors_open || (r.last_closed_date !== null && r.last_closed_date < yesterday)) behind.add(r.customer_id);
  }
  return [...behind].sort();
}

/**
 * Brings each customer's plans up to date through the day before `today` with the close's own
 * code (ensurePlanClosedThrough), so late charges a missed close would have posted are owed —
 * and allocated — before the repayment is decided. The customers are already locked.
 */
export async function catchUpClose(ctx: BatchContext, customerIds: readonly string[]): Promise<void> {
  const through = addDays(ctx.businessDate, -1);
  for (const customerId of customerIds) await ensurePlanClosedThrough({ ...ctx, actor: systemActor }, customerId, through);
}

/** The plan rows without the close marks. */
export const unmarked = (rows: readonly MarkedPlanRow[]): OpenPlanRow[] =>
  rows.map(({ last_closed_date: _l, close_errors_open: _e, ...row }) => row);
