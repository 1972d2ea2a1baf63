import { sql } from 'kysely';
import type { BusinessDate } from '../../core/calendar/business-date.ts';
import type { CloseSettings } from '../../core/close/close-settings.ts';
import { closePlanDay, type PlanDayOutcome } from '../../core/close/plan-day.ts';
import { runTx, type Tx } from '../../adapters/db/tx.ts';
import type { AppDeps } from '../deps.ts';
import { applyPlanDays, type PlanDay } from './apply-plan-days.ts';
import { addCounts, type CloseCounts } from './counts.ts';
import { timed } from './phase-timer.ts';
import { lockAndLoad, pairsOf, type LoadedPlan, type PlanKey } from './plan-day-store.ts';

export interface ClosePlansOptions {
  settings: CloseSettings;
  /** The batch writes off; a repayment bringing its plans up to date inline does not. */
  mayWriteOff: boolean;
  step: string;
  /** Runs in the page's own transaction after its writes: the batch records its progress there, so progress and work commit together. */
  onPage?: (tx: Tx, counts: CloseCounts) => Promise<void>;
}

/**
 * Closes one date for a page of plans in one short transaction. If the page fails as a
 * whole (a constraint, a bad row), it is retried plan by plan so that one broken plan is
 * recorded in close_errors and the others still close.
 */
export async function closePlans(deps: AppDeps, keys: readonly PlanKey[], date: BusinessDate, o: ClosePlansOptions): Promise<CloseCounts> {
  if (keys.length === 0) return {};
  try {
    return await runTx(deps.db, async (tx) => {
      const counts = await closePlansIn(tx, deps, keys, date, o);
      await o.onPage?.(tx, counts);
      return counts;
    });
  } catch (error) {
    const { onPage, ...alone } = o;
    const counts: CloseCounts = {};
    if (keys.length === 1) {
      await recordError(deps, keys[0]!, date, o.step, error);
      counts.errors = 1;
    } else {
      for (const key of keys) addCounts(counts, await closePlans(deps, [key], date, alone));
    }
    if (onPage) await runTx(deps.db, (tx) => onPage(tx, counts));
    return counts;
  }
}

/** The same inside a caller's transaction (a repayment's): lock, load, decide, write. */
export async function closePlansIn(tx: Tx, deps: AppDeps, keys: readonly PlanKey[], date: BusinessDate, o: ClosePlansOptions): Promise<CloseCounts> {
  const loaded = await timed('load', () => lockAndLoad(tx, keys, date));
  const days: PlanDay[] = [];
  for (const plan of loaded) {
    const outcome = decide(plan, date, o);
    if (outcome instanceof Error) throw outcome;
    if (outcome) days.push({ plan, outcome });
  }
  const counts = await timed('apply', () => applyPlanDays(tx, { date, at: deps.clock.now(), ids: deps.ids }, days));
  await sql`update close_errors set resolved_at = ${deps.clock.now()}
            where (customer_id, plan_id) in (select * from ${pairsOf(keys)} as k(c, p)) and business_date = ${date}::date and resolved_at is null`.execute(tx);
  return counts;
}

/**
 * Active plans get the whole day; paid-off and written-off plans only earn income still due
 * on the date (interest a payoff collected early is earned when its installment falls due).
 * Anything else (cancelled, refunded, pending) is skipped.
 *
 * A plan with a customer payment in flight gets no late charge today (no charges accrual row,
 * so the day stays open). Charges are computed cumulatively (everything the rule says is owed
 * through the date, less what was posted), so the next close after the payment's outcome
 * settles the held days: if it succeeded, the repayment counts from the day the customer paid
 * (plan-day-store.ts loadHistory) and nothing is owed for the days it was in flight; if it
 * failed or expired, those days are charged then, exactly as if no payment had been tried.
 */
function decide(plan: LoadedPlan, date: BusinessDate, o: ClosePlansOptions): PlanDayOutcome | null | Error {
  const active = plan.status === 'active';
  if (!active && !['paid_off', 'written_off'].includes(plan.status)) return null;
  if ('error' in plan.rule) return new Error(`plan ${plan.key.planId}: late charge rule: ${plan.rule.error}`);
  try {
    return closePlanDay({
      rule: plan.rule, installments: plan.states, history: plan.history, date, settings: o.settings,
      incomeDone: plan.incomeDone, chargesDone: plan.chargesDone || !active || plan.paymentInFlight, mayWriteOff: active && o.mayWriteOff,
      extendedDueDates: plan.extendedDueDates,
    });
  } catch (error) {
    return new Error(`plan ${plan.key.planId}: ${(error as Error).message}`);
  }
}

async function recordError(deps: AppDeps, key: PlanKey, date: BusinessDate, step: string, error: unknown) {
  const message = String((error as Error)?.message ?? error).slice(0, 2000);
  deps.log(`eod ${date}: plan ${key.planId} failed at ${step}: ${message}`);
  await deps.db.insertInto('close_errors').values({
    customer_id: key.customerId, plan_id: key.planId, business_date: date, step, message, at: deps.clock.now(), resolved_at: null,
  }).onConflict((oc) => oc.columns(['customer_id', 'plan_id', 'business_date']).doUpdateSet({ step, message, at: deps.clock.now(), resolved_at: null })).execute();
}
