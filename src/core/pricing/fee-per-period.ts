import { mulDiv, splitEvenly } from '../money/fen.ts';
import { monthlyDueDates } from '../calendar/business-date.ts';
import { assemble, zeros } from './shared.ts';
import type { PricingMethod } from './types.ts';

/**
 * 分期手续费 (the 花呗/白条 style): principal split evenly, plus a fee each period that is
 * either a monthly rate of the financed amount (the same every period) or a total rate over
 * the whole plan spread evenly (the last period absorbs the residue). The fee is charged on
 * the original financed amount, not the balance, which is why its APR is near twice the
 * nominal rate — the disclosure the 2021 rule was written for.
 */
export const feePerPeriod: PricingMethod = {
  code: 'fee-per-period',
  nameZh: '分期手续费',
  needs: ['monthlyFeeRate|totalFeeRate'],
  schedule(input) {
    const { financed, terms, rounding } = input;
    const principal = splitEvenly(financed, terms, rounding);
    let fee: number[];
    if (input.monthlyFeeRate) {
      fee = new Array<number>(terms).fill(mulDiv(financed, input.monthlyFeeRate.num, input.monthlyFeeRate.den, rounding));
    } else {
      const rate = input.totalFeeRate!;
      fee = splitEvenly(mulDiv(financed, rate.num, rate.den, rounding), terms, rounding);
    }
    return assemble(monthlyDueDates(input.firstDue, terms, input.dueDay), financed, principal, zeros(terms), fee);
  },
};
