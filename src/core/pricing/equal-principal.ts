import { evenShare, floorDiv, hasHalfEvenTies, mulDiv, roundingBias, settleTie } from '../money/fen.ts';
import type { RoundingMode } from '../money/rounding.ts';
import { sharedMonthlyDueDates, type BusinessDate } from '../calendar/business-date.ts';
import { installment } from './shared.ts';
import type { PricingMethod, ScheduledInstallment } from './types.ts';

/** 等额本金: principal split evenly (last absorbs the residue); interest on the balance before each payment. */
export const equalPrincipal: PricingMethod = {
  code: 'equal-principal',
  nameZh: '等额本金',
  needs: ['annualRate'],
  schedule(input) {
    const { financed, terms, rounding } = input;
    const { num, den } = input.annualRate!;
    const monthlyDen = den * 12;
    const share = evenShare(financed, terms, rounding);
    const dates = sharedMonthlyDueDates(input.firstDue, terms, input.dueDay);
    // Period k's interest is (financed − k × share) × num / monthlyDen, rounded. That numerator
    // (plus the rounding bias) falls by the same step every period, so its exact quotient q and
    // remainder r are stepped down, borrowing from q when r goes negative, instead of divided
    // afresh: no division and no rounding branch per row, and the same result as mulDiv.
    const start = financed * num + roundingBias(monthlyDen, rounding);
    if (!(Number.isSafeInteger(start) && Number.isSafeInteger(num) && num >= 0 && Number.isSafeInteger(monthlyDen) && monthlyDen > 0)) {
      return byDivision(financed, terms, share, num, monthlyDen, rounding, dates);
    }
    const step = share * num;
    const stepQ = floorDiv(step, monthlyDen);
    const stepR = step - stepQ * monthlyDen;
    let q = floorDiv(start, monthlyDen);
    let r = start - q * monthlyDen;
    const ties = hasHalfEvenTies(monthlyDen, rounding);
    const rows: ScheduledInstallment[] = [];
    let balance = financed;
    for (let k = 0; k < terms; k++) {
      const principal = k === terms - 1 ? balance : share;
      balance -= principal;
      rows.push(installment(k, dates[k]!, principal, settleTie(q, r, ties), 0, balance));
      q -= stepQ;
      r -= stepR;
      if (r < 0) { q -= 1; r += monthlyDen; }
    }
    return rows;
  },
};

/** The same schedule with one mulDiv per period, for numerators past 2^53 (mulDiv turns to bigint). */
function byDivision(
  financed: number, terms: number, share: number, num: number, monthlyDen: number, rounding: RoundingMode, dates: readonly BusinessDate[],
): ScheduledInstallment[] {
  const rows: ScheduledInstallment[] = [];
  let balance = financed;
  for (let k = 0; k < terms; k++) {
    const interest = mulDiv(balance, num, monthlyDen, rounding);
    const principal = k === terms - 1 ? balance : share;
    balance -= principal;
    rows.push(installment(k, dates[k]!, principal, interest, 0, balance));
  }
  return rows;
}
