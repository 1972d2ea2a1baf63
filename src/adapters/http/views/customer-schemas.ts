import { Type } from 'typebox';
import { BILL_STATUSES } from '../../../core/billing/bill.ts';
import { DateString, Money, PlanSchema } from '../schemas.ts';

/** Response schemas of the customer's read side (/v1/me/...). The OpenAPI document is generated from them. */

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Localized = Type.Object({ 'zh-CN': Type.String(), en: Type.String() }, { description: 'the same text in Chinese and English' });
const Components = Type.Object({ principal: Money, interest: Money, fee: Money, penalty: Money });
const Component = Type.String({ enum: ['principal', 'interest', 'fee', 'penalty'] });
/** Money with its own description (yuan string, at most two decimals). */
const MONEY_PATTERN = (Money as unknown as { pattern: string }).pattern;
const MoneyThat = (description: string) => Type.String({ pattern: MONEY_PATTERN, description: `yuan: ${description}` });

export const CreditLineSchema = Type.Object({
  total: Money, used: Money,
  available: MoneyThat('total − used (never below 0). A frozen line keeps its figure but cannot be used: see frozen'),
  frozen: Type.Boolean(), frozenReason: Nullable(Type.String()),
  creditBalance: MoneyThat('溢缴款: overpayments held for the customer; used for the next repayment or refunded on request'),
}, { examples: [{ total: '20000.00', used: '9000.00', available: '11000.00', frozen: false, frozenReason: null, creditBalance: '0.00' }] });

export const ContractSchema = Type.Object({
  method: Type.String({ examples: ['fee-per-period'] }), methodName: Localized, terms: Type.Integer(),
  annualRate: Nullable(Type.String({ description: 'annual interest rate, percent' })),
  monthlyFeeRate: Nullable(Type.String({ description: 'fee per month on the financed amount, percent' })),
  totalFeeRate: Nullable(Type.String({ description: 'fee over the whole plan, percent' })),
  apr: Type.String({ description: 'annualised IRR of all the customer’s costs, percent' }),
  graceDays: Type.Integer(), rounding: Type.String(),
  lateCharges: Localized, earlyPayoff: Localized,
}, { description: 'the terms the plan was made on, frozen at checkout' });

export const CustomerPlanSchema = Type.Object({ ...PlanSchema.properties, merchantName: Type.String(), contract: ContractSchema });
export const CustomerPlanListSchema = Type.Object({ asOf: DateString, plans: Type.Array(CustomerPlanSchema) });

export const BillItemSchema = Type.Object({
  planId: Type.String(), description: Nullable(Type.String()), installmentNumber: Type.Integer(), terms: Type.Integer(),
  principal: Money, interest: Money, fee: Money, penalty: Money, total: Money, paid: Money, waived: Money, outstanding: Money,
  status: Type.String({ enum: ['paid', 'upcoming', 'due', 'in_grace', 'overdue', 'waived'] }),
});

export const BillSchema = Type.Object({
  statementDate: DateString, dueDate: DateString,
  status: Type.String({ enum: [...BILL_STATUSES], description: 'upcoming: statement not made; open: made, not yet due; due: due today; in_grace; overdue; paid' }),
  total: MoneyThat('total = paid + waived + outstanding'), paid: Money, waived: Money, outstanding: Money,
  daysUntilDue: Type.Union([Type.Integer(), Type.Null()], { description: 'null once the due date has passed' }),
  daysPastDue: Type.Integer({ description: '逾期天数 while principal, interest or fee is unpaid after the due date; 0 otherwise' }),
  lateChargesSoFar: MoneyThat('penalty interest and late fees posted by the daily close so far, less waivers'),
  items: Type.Array(BillItemSchema),
});

const BILL_EXAMPLE = {
  statementDate: '2026-02-01', dueDate: '2026-02-10', status: 'open', total: '1536.00', paid: '0.00', waived: '0.00', outstanding: '1536.00',
  daysUntilDue: 9, daysPastDue: 0, lateChargesSoFar: '0.00',
  items: [{ planId: '0192f0c8-5c2a-7000-8000-000000000001', description: 'Xiaomi 15', installmentNumber: 1, terms: 12, principal: '500.00', interest: '0.00', fee: '36.00', penalty: '0.00', total: '536.00', paid: '0.00', waived: '0.00', outstanding: '536.00', status: 'upcoming' }],
};

export const BillListSchema = Type.Object({ asOf: DateString, bills: Type.Array(BillSchema) }, { examples: [{ asOf: '2026-02-01', bills: [BILL_EXAMPLE] }] });

export const CurrentBillSchema = Type.Object({
  asOf: DateString,
  bill: Type.Union([BillSchema, Type.Null()], { description: 'this month’s bill; null when nothing is owed or scheduled' }),
  pastDue: Type.Object({
    outstanding: Money, lateChargesSoFar: Money, daysPastDue: Type.Integer(),
    bills: Type.Array(BillSchema, { description: 'earlier bills past their grace, still owing' }),
  }),
  totalToPay: MoneyThat('pastDue.outstanding + bill.outstanding: pay it by bill.dueDate; the past-due part is late already'),
}, { examples: [{ asOf: '2026-02-01', bill: BILL_EXAMPLE, pastDue: { outstanding: '0.00', lateChargesSoFar: '0.00', daysPastDue: 0, bills: [] }, totalToPay: '1536.00' }] });

const PlanPart = Type.Object({
  planId: Type.String(), allocations: Type.Array(Type.Object({ installmentNumber: Type.Integer(), component: Component, amount: Money })),
});

export const RepaymentRecordSchema = Type.Object({
  id: Type.String(), kind: Type.String({ examples: ['bill'] }), amount: Money, applied: Money, toCreditBalance: Money,
  charges: MoneyThat('collected outside any installment (an early-repayment fee)'),
  channel: Type.String({ examples: ['sandbox'] }), status: Type.String({ enum: ['posted', 'reversed'] }),
  businessDate: DateString, createdAt: Type.String({ format: 'date-time' }),
  reversedAt: Nullable(Type.String({ format: 'date-time' })), reversalReason: Nullable(Type.String()),
  plans: Type.Array(PlanPart, { description: 'where the money went, per plan, installment and component' }),
  waived: Type.Array(PlanPart, { description: 'what the same repayment forgave (early payoff)' }),
});

export const RepaymentPageSchema = Type.Object({
  items: Type.Array(RepaymentRecordSchema),
  nextCursor: Nullable(Type.String({ description: 'pass as ?cursor= for the next (older) page; null on the last page' })),
}, { examples: [{ items: [], nextCursor: null }] });

export const PayoffQuoteSchema = Type.Object({
  planId: Type.String(), validOn: Type.String({ format: 'date', description: 'the business date the quote holds for; interest and charges move with the date' }),
  collect: Components, earlyRepaymentFee: Money,
  total: MoneyThat('what paying the plan off on validOn takes'),
  waived: Components, waivedTotal: Money, prepaidPrincipal: Money,
  scheduleRemaining: MoneyThat('everything still owed if the schedule ran its course'),
  saves: MoneyThat('scheduleRemaining − total (negative if an early-repayment fee outweighs what is waived)'),
  policy: Localized,
  lines: Type.Array(Type.Object({
    installmentNumber: Type.Integer(), dueDate: DateString, status: Type.String({ enum: ['due', 'current', 'future'] }), collect: Components, waive: Components,
  })),
}, {
  examples: [{
    planId: '0192f0c8-5c2a-7000-8000-000000000001', validOn: '2026-01-05', total: '6000.00', earlyRepaymentFee: '0.00', waivedTotal: '432.00',
    prepaidPrincipal: '6000.00', scheduleRemaining: '6432.00', saves: '432.00',
    collect: { principal: '6000.00', interest: '0.00', fee: '0.00', penalty: '0.00' }, waived: { principal: '0.00', interest: '0.00', fee: '432.00', penalty: '0.00' },
    policy: { 'zh-CN': '可随时提前还清：未到期的分期手续费全部免收；不收提前还款违约金。', en: 'You may pay off early at any time: fees of installments not yet due are waived; no early-repayment fee.' }, lines: [],
  }],
});
