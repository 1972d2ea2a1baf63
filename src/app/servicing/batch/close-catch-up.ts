import { addDays, type BusinessDate } from '../../../core/calendar/business-date.ts';
import type { CustomerMarks } from './book-read.ts';
import { systemActor } from '../../context.ts';
import { ensurePlanClosedThrough } from '../../close/ensure-plan-closed.ts';
import type { BatchContext } from './post-repayments.ts';

/**
 * Customers whose active plans the close has not finished through the day before `today`
 * (missed closes, a close still running, or a plan the close failed on). A deployment that
 * has never finished a close has nothing it missed: its plans are not walked through the past.
 */
export function customersBehindClose(marks: ReadonlyMap<string, CustomerMarks>, today: BusinessDate): string[] {
  const yesterday = addDays(today, -1);
  const behind: string[] = [];
  for (const [customerId, m] of marks) {
    if (m.close_errors_open || (m.last_closed_date !== null && m.last_closed_date < yesterday)) behind.push(customerId);
  }
  return behind.sort();
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
