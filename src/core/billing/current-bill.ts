import type { BusinessDate } from '../calendar/business-date.ts';
import { sumFen, type Fen } from '../money/fen.ts';
import type { Bill } from './bill.ts';

/** What earlier bills still owe past their grace, carried beside this month's bill. */
export interface PastDue {
  bills: Bill[];
  outstanding: Fen;
  lateChargesSoFar: Fen;
  /** The worst of the bills' days past due. */
  daysPastDue: number;
}

export interface CurrentBill {
  /** This month's bill, or null when nothing is owed and nothing is scheduled. */
  bill: Bill | null;
  pastDue: PastDue;
  /** pastDue.outstanding + the bill's outstanding: the one figure the home page shows (本期应还). */
  totalToPay: Fen;
}

/**
 * 本期账单: the earliest bill with something outstanding that is not yet overdue (upcoming,
 * open, due or in grace), else the next bill due on or after asOf (already paid early). Bills
 * past their grace are not "this month's" any more: they are carried in `pastDue`, so the
 * customer sees one total and the overdue part is never hidden behind a newer bill.
 * `bill` is never overdue, so the two never hold the same bill.
 */
export function currentBill(bills: readonly Bill[], asOf: BusinessDate): CurrentBill {
  const bill = bills.find((b) => b.outstanding > 0 && b.status !== 'overdue') ?? bills.find((b) => b.dueDate >= asOf) ?? null;
  const overdue = bills.filter((b) => b.status === 'overdue');
  const pastDue: PastDue = {
    bills: overdue,
    outstanding: sumFen(overdue.map((b) => b.outstanding)),
    lateChargesSoFar: sumFen(overdue.map((b) => b.lateChargesSoFar)),
    daysPastDue: Math.max(0, ...overdue.map((b) => b.daysPastDue)),
  };
  return { bill, pastDue, totalToPay: pastDue.outstanding + (bill?.outstanding ?? 0) };
}
