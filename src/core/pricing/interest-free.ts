import { sharedMonthlyDueDates } from '../calendar/business-date.ts';
import { evenPrincipalRows } from './shared.ts';
import type { PricingMethod } from './types.ts';

/** 免息: the customer repays the financed amount in equal parts; any subsidy is the merchant's cost (see merchantSubsidy). */
export const interestFree: PricingMethod = {
  code: 'interest-free',
  nameZh: '免息',
  needs: [],
  schedule(input) {
    const { financed, terms, rounding } = input;
    return evenPrincipalRows(financed, terms, rounding, sharedMonthlyDueDates(input.firstDue, terms, input.dueDay));
  },
};
