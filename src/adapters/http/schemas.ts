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

export const PlanInstallmentSchema = Type.Object({
  number: Type.Integer(), dueDate: Type.String(), principal: Money, interest: Money, fee: Money, penalty: Money, total: Money,
  paid: Money, waived: Money, outstanding: Money, outstandingPrincipal: Money,
  status: Type.String({ enum: ['paid', 'upcoming', 'due', 'in_grace', 'overdue', 'waived'] }),
});

export const PlanSchema = Type.Object({
  id: Type.String(), customerId: Type.String(), merchantId: Type.String(), merchantOrderId: Type.String(), productId: Type.String(),
  productVersion: Type.Integer(), description: Type.Union([Type.String(), Type.Null()]),
  status: Type.String({ enum: ['pending', 'active', 'paid_off', 'cancelled', 'refunded', 'written_off'] }),
  method: Type.String(), terms: Type.Integer(), amount: Money, downPayment: Money, financed: Money, apr: Type.String(), rounding: Type.String(),
  graceDays: Type.Integer(), startDate: Type.String(), firstDueDate: Type.String(), closedOn: Type.Union([Type.String(), Type.Null()]),
  outstanding: Money, outstandingPrincipal: Money, installments: Type.Array(PlanInstallmentSchema),
});

export const ProductOptionSchema = Type.Object({
  productId: Type.String(), productVersion: Type.Integer(), code: Type.String(), name: Type.String(), method: Type.String(),
  terms: Type.Integer(), monthlyPayment: Money, firstDueDate: Type.String(), totalInterest: Money, totalFees: Money, totalCost: Money,
  totalRepayment: Money, apr: Type.String(), financed: Money, label: Type.String({ examples: ['低至 ¥500.00/月 × 12期'] }),
});

const AllocationParts = Type.Array(Type.Object({
  planId: Type.String(),
  allocations: Type.Array(Type.Object({ installmentNumber: Type.Integer(), component: Type.String({ enum: ['principal', 'interest', 'fee', 'penalty'] }), amount: Money })),
}));

export const RepaymentSchema = Type.Object({
  id: Type.String(), kind: Type.String({ enum: ['installment', 'bill', 'amount', 'payoff'] }), status: Type.String({ enum: ['posted', 'reversed'] }),
  amount: Money, applied: Money, toCreditBalance: Money, charges: Money, businessDate: Type.String(),
  plans: AllocationParts, waived: AllocationParts, paidOffPlanIds: Type.Array(Type.String()),
});

export const RepaymentFields = {
  kind: Type.String({ enum: ['installment', 'bill', 'amount', 'payoff'], description: 'installment: one installment of a plan; bill: the bill due on dueDate (default: the current bill); amount: any amount (optionally to one plan); payoff: the whole plan early' }),
  amount: Money,
  planId: Type.Optional(Type.String({ format: 'uuid' })),
  installmentNumber: Type.Optional(Type.Integer({ minimum: 1, maximum: 360 })),
  dueDate: Type.Optional(DateString),
};
export const RepaymentRequest = Type.Object(RepaymentFields, { additionalProperties: false });
