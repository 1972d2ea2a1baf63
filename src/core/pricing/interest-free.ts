import { splitEvenly } from '../money/fen.ts';
import { monthlyDueDates } from '../calendar/business-date.ts';
import { assemble, zeros } from './shared.ts';
import type { PricingMethod } from './types.ts';

/** 免息: the customer repays the financed amount in equal parts; any subsidy is the merchant's cost (see merchantSubsidy). */
export const interestFree: PricingMethod = {
  code: 'interest-free',
  nameZh: '免息',
  needs: [],
  schedule(input) {
    const { financed, terms, rounding } = input;
    return assemble(monthlyDueDates(input.firstDue, terms, input.dueDay), financed, splitEvenly(financed, terms, rounding), zeros(terms), zeros(terms));
  },
};
