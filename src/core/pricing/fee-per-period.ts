import { evenShare, mulDiv } from '../money/fen.ts';
import { sharedMonthlyDueDates } from '../calendar/business-date.ts';
import { evenPrincipalRows } from './shared.ts';
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
    const dates = sharedMonthlyDueDates(input.firstDue, terms, input.dueDay);
    if (input.monthlyFeeRate) {
      const { num, den } = input.monthlyFeeRate;
      return evenPrincipalRows(financed, terms, rounding, dates, mulDiv(financed, num, den, rounding));
    }
    const { num, den } = input.totalFeeRate!;
    const totalFee = mulDiv(financed, num, den, rounding);
    const feeShare = evenShare(totalFee, terms, rounding);
    return evenPrincipalRows(financed, terms, rounding, dates, feeShare, totalFee - feeShare * (terms - 1));
  },
};
