import type { BusinessDate } from '../calendar/business-date.ts';
import type { Fen } from '../money/fen.ts';
import { invariant } from '../result.ts';

/**
 * What one installment asked for, as late charges see it. Charges are computed from the
 * schedule plus the history, never from a running balance, so they can be recomputed for
 * any past date (time-travel tests, reversals).
 */
export interface ChargeableInstallment {
  dueDate: BusinessDate;
  principal: Fen;
  interest: Fen;
  fee: Fen;
}

/**
 * Money that settled part of an installment on a date. Waivers of principal, interest or
 * fee belong here too: they shrink what is overdue exactly as payments do. Penalty amounts
 * are accepted and ignored, because penalty never accrues on penalty.
 */
export interface PaymentRecord {
  date: BusinessDate;
  principal?: Fen;
  interest?: Fen;
  fee?: Fen;
  penalty?: Fen;
}

export interface Owed {
  principal: Fen;
  interest: Fen;
  fee: Fen;
}

/** Principal, interest and fee still owed after every record dated strictly before `before`. */
export function owedBefore(inst: ChargeableInstallment, history: readonly PaymentRecord[], before: BusinessDate): Owed {
  const owed = { principal: inst.principal, interest: inst.interest, fee: inst.fee };
  for (const r of history) if (r.date < before) subtract(owed, r);
  return owed;
}

export function subtract(owed: Owed, r: PaymentRecord): void {
  owed.principal -= r.principal ?? 0;
  owed.interest -= r.interest ?? 0;
  owed.fee -= r.fee ?? 0;
  invariant(owed.principal >= 0 && owed.interest >= 0 && owed.fee >= 0, `payments on ${r.date} exceed what the installment asked for`);
}

export const owedTotal = (o: Owed): Fen => o.principal + o.interest + o.fee;

export function byDate(history: readonly PaymentRecord[]): PaymentRecord[] {
  return [...history].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}
