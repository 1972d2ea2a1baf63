import { evenShare, type Fen } from '../money/fen.ts';
import type { RoundingMode } from '../money/rounding.ts';
import type { BusinessDate } from '../calendar/business-date.ts';
import type { ScheduledInstallment } from './types.ts';

/**
 * One row of a schedule, installment k (0-based) whose balance after payment is `remaining`.
 * Every method builds its rows here, in one loop and with no intermediate arrays, so all rows
 * share one object shape and total = principal + interest + fee holds by construction.
 */
export function installment(k: number, dueDate: BusinessDate, principal: Fen, interest: Fen, fee: Fen, remaining: Fen): ScheduledInstallment {
  return { number: k + 1, dueDate, principal, interest, fee, total: principal + interest + fee, remainingPrincipal: remaining };
}

/**
 * Rows for the interest-free shapes: principal in equal parts by `rounding` (the last pays what
 * is left, absorbing the residue), no interest, and a fee of `feeEach` a period except
 * `feeLast` on the last (so an evenly split total fee also adds up exactly).
 */
export function evenPrincipalRows(
  financed: Fen, terms: number, rounding: RoundingMode, dates: readonly BusinessDate[], feeEach: Fen = 0, feeLast: Fen = feeEach,
): ScheduledInstallment[] {
  const share = evenShare(financed, terms, rounding);
  const rows: ScheduledInstallment[] = [];
  let balance = financed;
  for (let k = 0; k < terms; k++) {
    const last = k === terms - 1;
    const principal = last ? balance : share;
    balance -= principal;
    rows.push(installment(k, dates[k]!, principal, 0, last ? feeLast : feeEach, balance));
  }
  return rows;
}
