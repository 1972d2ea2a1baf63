import { mulDiv } from '../money/fen.ts';
import { sharedMonthlyDueDates } from '../calendar/business-date.ts';
import { installment } from './shared.ts';
import type { PricingMethod, ScheduledInstallment } from './types.ts';

/** 先息后本: interest on the full balance each period; all principal with the last installment. */
export const interestOnly: PricingMethod = {
  code: 'interest-only',
  nameZh: '先息后本',
  needs: ['annualRate'],
  schedule(input) {
    const { financed, terms, rounding } = input;
    const { num, den } = input.annualRate!;
    const interest = mulDiv(financed, num, den * 12, rounding);
    const dates = sharedMonthlyDueDates(input.firstDue, terms, input.dueDay);
    const rows: ScheduledInstallment[] = [];
    for (let k = 0; k < terms - 1; k++) rows.push(installment(k, dates[k]!, 0, interest, 0, financed));
    rows.push(installment(terms - 1, dates[terms - 1]!, financed, interest, 0, 0));
    return rows;
  },
};
