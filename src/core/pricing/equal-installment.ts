import { mulDiv } from '../money/fen.ts';
import { rateToNumber } from '../money/rate.ts';
import { monthlyDueDates } from '../calendar/business-date.ts';
import { assemble, zeros } from './shared.ts';
import { splitEvenly } from '../money/fen.ts';
import type { PricingMethod } from './types.ts';

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
    const dates = monthlyDueDates(input.firstDue, terms, input.dueDay);
    if (rate.num === 0) return assemble(dates, financed, splitEvenly(financed, terms, rounding), zeros(terms), zeros(terms));
    const r = rateToNumber(rate) / 12;
    const payment = roundFloatToFen(financed * r / (1 - Math.pow(1 + r, -terms)), rounding);
    const principal: number[] = [];
    const interest: number[] = [];
    let balance = financed;
    for (let k = 0; k < terms; k++) {
      const i = mulDiv(balance, rate.num, rate.den * 12, rounding);
      // Never let principal go negative (tiny loans at high rates) or overshoot the balance.
      const p = k === terms - 1 ? balance : Math.min(balance, Math.max(0, payment - i));
      principal.push(p);
      interest.push(i);
      balance -= p;
    }
    return assemble(dates, financed, principal, interest, zeros(terms));
  },
};

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
