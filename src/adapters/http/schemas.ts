import { Type } from 'typebox';

/** Money crosses the API as a yuan decimal string with at most two decimals; it is parsed to fen at the edge. */
export const Money = Type.String({ pattern: '^-?\\d{1,14}(\\.\\d{1,2})?$', description: 'yuan, at most two decimals', examples: ['6000.00'] });
export const Percent = Type.String({ pattern: '^\\d{1,4}(\\.\\d{1,6})?$', description: 'percent, e.g. "4.9" for 4.9%', examples: ['12'] });
export const DateString = Type.String({ format: 'date', examples: ['2026-01-10'] });

export const ProblemSchema = Type.Object({
  type: Type.String(), title: Type.String(), status: Type.Integer(), code: Type.String(), detail: Type.String(),
  field: Type.Optional(Type.String()),
}, { additionalProperties: true, description: 'RFC 9457 problem details with a stable code' });

export const InstallmentSchema = Type.Object({
  number: Type.Integer(), dueDate: Type.String(), principal: Money, interest: Money, fee: Money, total: Money, remainingPrincipal: Money,
});

export const QuoteSchema = Type.Object({
  amount: Money, downPayment: Money, financed: Money, terms: Type.Integer(), method: Type.String(), rounding: Type.String(),
  apr: Type.String({ description: 'annualised IRR of all customer costs, percent' }), totalInterest: Money, totalFees: Money,
  totalRepayment: Money, merchantSubsidy: Money, installments: Type.Array(InstallmentSchema),
});
