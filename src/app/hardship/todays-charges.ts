import type { BusinessDate } from '../../core/calendar/business-date.ts';
import { DEFAULT_CLOSE_SETTINGS } from '../../core/close/close-settings.ts';
import { closePlanDay, type InstallmentCharge } from '../../core/close/plan-day.ts';
import { journal, type JournalEntry } from '../../core/ledger/journal.ts';
import type { Tx } from '../../adapters/db/tx.ts';
import { lockAndLoad } from '../close/plan-day-store.ts';
import type { BookPlan } from '../servicing/customer-book.ts';

/**
 * The late charge the close of `asOf` will post on the plan as it stands. A payment (or a
 * restructure) on a day stops penalties from the next day, so the open day's own charge is
 * still owed; the restructure takes it in now, computed by the close's own rule, so the
 * close of that day finds nothing left to charge on the old installments (its charges are
 * cumulative: what the rule says is owed through the day, less what was posted).
 */
export async function todaysCharges(tx: Tx, plan: BookPlan, asOf: BusinessDate): Promise<InstallmentCharge[]> {
  const [loaded] = await lockAndLoad(tx, [{ customerId: plan.row.customer_id, planId: plan.row.id }], asOf);
  if (!loaded || 'error' in loaded.rule || loaded.chargesDone || loaded.paymentInFlight) return [];
  const day = closePlanDay({
    rule: loaded.rule, installments: loaded.states, history: loaded.history, date: asOf, settings: DEFAULT_CLOSE_SETTINGS,
    incomeDone: true, chargesDone: false, mayWriteOff: false, extendedDueDates: loaded.extendedDueDates,
  });
  return day.charges ?? [];
}

/** The plan with those charges added to its installments' penalty, as the restructure must see it. */
export function withCharges(plan: BookPlan, charges: readonly InstallmentCharge[]): BookPlan {
  return { ...plan, states: plan.states.map((i) => ({ ...i, penalty: i.penalty + (charges.find((c) => c.installmentNumber === i.number)?.amount ?? 0) })) };
}

export function chargesPosting(planId: string, reference: string, charges: readonly InstallmentCharge[]): JournalEntry {
  const amount = charges.reduce((s, c) => s + c.amount, 0);
  return journal('penalty.accrued', reference, [{ debit: 'receivable.penalty', credit: 'income.penalty', amount, planId }]);
}
