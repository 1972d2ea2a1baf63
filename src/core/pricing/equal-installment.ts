import { floorDivByReciprocal, hasHalfEvenTies, mulDiv, roundingBias, settleTie, type Fen } from '../money/fen.ts';
import type { RoundingMode } from '../money/rounding.ts';
import { rateToNumber } from '../money/rate.ts';
import { sharedMonthlyDueDates, type BusinessDate } from '../calendar/business-date.ts';
import { evenPrincipalRows, installment } from './shared.ts';
import type { PricingMethod, ScheduledInstallment } from './types.ts';

/**
 * 等额本息 (annuity). The level payment is computed in floating point from the annuity
 * formula and then rounded to the fen by the plan's mode — the one place a float becomes
 * money, and it is named here. Each period's interest is exact: balance × rate / 12 as one
 * integer division. The last installment pays the remaining balance, absorbing the residue.
 */
export const equalInstallment: PricingMethod = {
  code: 'equal-installment',
  nameZh: '等额本息',
  needs: ['annualRate'],
  schedule(input) {
    const { financed, terms, rounding } = input;
    const rate = input.annualRate!;
    const dates = sharedMonthlyDueDates(input.firstDue, terms, input.dueDay);
    if (rate.num === 0) return evenPrincipalRows(financed, terms, rounding, dates);
    const r = rateToNumber(rate) / 12;
    const payment = roundFloatToFen(financed * r / (1 - Math.pow(1 + r, -terms)), rounding);
    const { num } = rate;
    const monthlyDen = rate.den * 12;
    // Interest is mulDiv(balance, num, monthlyDen) with mulDiv's per-call work (rounding bias,
    // range checks, 1 / monthlyDen) done once: the balance only falls, so if the first period's
    // numerator is in range every later one is. The range leaves room for floorDivByReciprocal.
    const bias = roundingBias(monthlyDen, rounding);
    if (!(Number.isSafeInteger(financed * num + bias + monthlyDen) && Number.isSafeInteger(num) && num > 0 && Number.isSafeInteger(monthlyDen) && monthlyDen > 0)) {
      return byMulDiv(financed, terms, payment, num, monthlyDen, rounding, dates);
    }
    const ties = hasHalfEvenTies(monthlyDen, rounding);
    const reciprocal = 1 / monthlyDen;
    const rows: ScheduledInstallment[] = [];
    let balance = financed;
    for (let k = 0; k < terms; k++) {
      const n = balance * num + bias;
      const q = floorDivByReciprocal(n, monthlyDen, reciprocal);
      const interest = settleTie(q, n - q * monthlyDen, ties);
      const principal = principalPart(k, terms, balance, payment, interest);
      balance -= principal;
      rows.push(installment(k, dates[k]!, principal, interest, 0, balance));
    }
    return rows;
  },
};

/** The last installment pays off the balance (absorbing the residue); the others pay what the payment leaves after interest. */
function principalPart(k: number, terms: number, balance: Fen, payment: Fen, interest: Fen): Fen {
  // Never let principal go negative (tiny loans at high rates) or overshoot the balance.
  return k === terms - 1 ? balance : Math.min(balance, Math.max(0, payment - interest));
}

/** The same schedule through mulDiv, for numerators past 2^53 (mulDiv turns to bigint). */
function byMulDiv(
  financed: Fen, terms: number, payment: Fen, num: number, monthlyDen: number, rounding: RoundingMode, dates: readonly BusinessDate[],
): ScheduledInstallment[] {
  const rows: ScheduledInstallment[] = [];
  let balance = financed;
  for (let k = 0; k < terms; k++) {
    const interest = mulDiv(balance, num, monthlyDen, rounding);
    const principal = principalPart(k, terms, balance, payment, interest);
    balance -= principal;
    rows.push(installment(k, dates[k]!, principal, interest, 0, balance));
  }
  return rows;
}

/**
 * Rounds a positive float amount of fen by the named mode. Values within 1e-6 fen of a
 * half or whole are treated as exactly there, so float noise (5307.2650000001) cannot flip
 * a rounding decision that the exact arithmetic would not make.
 */
export function roundFloatToFen(value: number, mode: 'half-up' | 'half-even' | 'down' | 'up'): number {
  const EPS = 1e-6;
  const floor = Math.floor(value + EPS);
  const frac = value - floor;
  if (Math.abs(frac) < EPS) return floor;
  switch (mode) {
    case 'down': return floor;
    case 'up': return floor + 1;
    case 'half-up': return frac >= 0.5 - EPS ? floor + 1 : floor;
    case 'half-even':
      if (Math.abs(frac - 0.5) < EPS) return floor % 2 === 0 ? floor : floor + 1;
      return frac > 0.5 ? floor + 1 : floor;
  }
}
