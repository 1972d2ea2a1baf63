import { mulDiv } from '../money/fen.ts';
import { monthlyDueDates } from '../calendar/business-date.ts';
import { assemble } from './shared.ts';
import type { PricingMethod } from './types.ts';

/** 先息后本: interest on the full balance each period; all principal with the last installment. */
export const interestOnly: PricingMethod = {
  code: 'interest-only',
  nameZh: '先息后本',
  needs: ['annualRate'],
  schedule(input) {
    const { financed, terms, rounding } = input;
    const rate = input.annualRate!;
    const monthly = mulDiv(financed, rate.num, rate.den * 12, rounding);
    const principal = new Array<number>(terms).fill(0);
    principal[terms - 1] = financed;
    return assemble(monthlyDueDates(input.firstDue, terms, input.dueDay), financed, principal, new Array<number>(terms).fill(monthly), new Array<number>(terms).fill(0));
  },
};
