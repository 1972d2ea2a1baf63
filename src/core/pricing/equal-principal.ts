import { mulDiv, splitEvenly } from '../money/fen.ts';
import { monthlyDueDates } from '../calendar/business-date.ts';
import { assemble, zeros } from './shared.ts';
import type { PricingMethod } from './types.ts';

/** 等额本金: principal split evenly (last absorbs the residue); interest on the balance before each payment. */
export const equalPrincipal: PricingMethod = {
  code: 'equal-principal',
  nameZh: '等额本金',
  needs: ['annualRate'],
  schedule(input) {
    const { financed, terms, rounding } = input;
    const rate = input.annualRate!;
    const principal = splitEvenly(financed, terms, rounding);
    const interest: number[] = [];
    let balance = financed;
    for (let k = 0; k < terms; k++) {
      interest.push(mulDiv(balance, rate.num, rate.den * 12, rounding));
      balance -= principal[k]!;
    }
    return assemble(monthlyDueDates(input.firstDue, terms, input.dueDay), financed, principal, interest, zeros(terms));
  },
};
