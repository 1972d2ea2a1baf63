import { addDays, type BusinessDate } from '../../core/calendar/business-date.ts';
import { DEFAULT_CLOSE_SETTINGS, type CloseSettings } from '../../core/close/close-settings.ts';
import { lockCustomer } from '../../adapters/db/plan-store.ts';
import type { TxContext } from '../context.ts';
import { closePlansIn } from './close-plans.ts';
import { addCounts, type CloseCounts } from './counts.ts';
import { lastClosedDate } from './run-record.ts';

/**
 * Brings a customer's active plans up to date through `date` inside the caller's transaction
 * — a repayment's, before it decides what is owed — instead of making the customer wait for
 * (or fail against) the batch. It closes the dates after the last finished close and any
 * date a plan failed on, with the same code and the same close_accruals keys as the batch,
 * so whichever of the two gets to a plan-day first does it and the other finds it done.
 *
 * Called with today's business date it posts today's late charges now: they depend only on
 * what was paid before today, so they are the same now as at tonight's close, and a customer
 * paying everything today pays them too. It never writes a plan off: the customer is paying.
 */
export async function ensurePlanClosedThrough(ctx: TxContext, customerId: string, date: BusinessDate, settings: CloseSettings = DEFAULT_CLOSE_SETTINGS): Promise<CloseCounts> {
  const line = await lockCustomer(ctx.tx, customerId);
  if (!line) return {};
  const plans = await ctx.tx.selectFrom('plans').select('id').where('customer_id', '=', customerId).where('status', '=', 'active').execute();
  if (plans.length === 0) return {};
  const keys = plans.map((p) => ({ customerId, planId: p.id }));
  const failed = await ctx.tx.selectFrom('close_errors').select('business_date').distinct().where('customer_id', '=', customerId)
    .where('resolved_at', 'is', null).where('business_date', '<=', date).execute();
  const last = await lastClosedDate(ctx.tx);
  const dates = new Set(failed.map((f) => f.business_date));
  // Never closed before: only the date asked for; a plan is not walked through its whole past here.
  for (let d = last ? addDays(last, 1) : date; d <= date; d = addDays(d, 1)) dates.add(d);
  const counts: CloseCounts = {};
  for (const d of [...dates].sort()) addCounts(counts, await closePlansIn(ctx.tx, ctx.deps, keys, d, { settings, mayWriteOff: false, step: 'inline' }));
  return counts;
}
