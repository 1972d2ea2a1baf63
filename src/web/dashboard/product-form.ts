import { DEFAULT_LATE_CHARGE_RULE } from '../../app/admin/product-rules.ts';
import { DEFAULT_ALLOCATION_STRATEGY } from '../../core/allocation/registry.ts';
import { DEFAULT_PAYOFF_POLICY } from '../../core/payoff/payoff-policy.ts';
import { given, wholeOr, type Values } from './forms.ts';

/** Every input of the product form, by its API field path (see forms.ts). */
export const PRODUCT_FIELDS = [
  'code', 'name', 'method', 'terms', 'annualRate', 'monthlyFeeRate', 'totalFeeRate', 'subsidyRate', 'rounding', 'aprCap',
  'lateChargeRule.graceDays', 'lateChargeRule.penaltyDailyRate', 'lateChargeRule.penaltyBase', 'lateChargeRule.penaltyStart',
  'lateChargeRule.lateFee', 'lateChargeRule.capPerInstallment', 'lateChargeRule.rounding', 'allocationStrategy',
  'payoffPolicy.remainingFees.code', 'payoffPolicy.remainingFees.periods',
  'payoffPolicy.earlyRepaymentFee.code', 'payoffPolicy.earlyRepaymentFee.rate', 'payoffPolicy.earlyRepaymentFee.amount',
] as const;

/** A blank new-product form: the platform's default servicing rules, so an operator changes only what differs. */
export function newProductValues(): Values {
  const r = DEFAULT_LATE_CHARGE_RULE;
  return {
    method: 'fee-per-period', terms: '12', rounding: 'half-up', aprCap: '24',
    'lateChargeRule.graceDays': String(r.graceDays), 'lateChargeRule.penaltyDailyRate': r.penaltyDailyRate ?? '', 'lateChargeRule.penaltyBase': r.penaltyBase,
    'lateChargeRule.penaltyStart': r.penaltyStart, 'lateChargeRule.rounding': r.rounding, allocationStrategy: DEFAULT_ALLOCATION_STRATEGY,
    'payoffPolicy.remainingFees.code': DEFAULT_PAYOFF_POLICY.remainingFees.code, 'payoffPolicy.earlyRepaymentFee.code': DEFAULT_PAYOFF_POLICY.earlyRepaymentFee.code,
  };
}

const str = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));

/** A product as the API shows it (productView), as form values: the next version starts from the current one. */
export function productValues(p: any): Values {
  const rule = (p.lateChargeRule ?? {}) as Record<string, unknown>;
  const fees = (p.payoffPolicy?.remainingFees ?? {}) as Record<string, unknown>;
  const early = (p.payoffPolicy?.earlyRepaymentFee ?? {}) as Record<string, unknown>;
  const entries: [string, string | undefined][] = [
    ['code', p.code], ['name', p.name], ['method', p.method], ['terms', str(p.terms)], ['annualRate', str(p.annualRate)], ['monthlyFeeRate', str(p.monthlyFeeRate)],
    ['totalFeeRate', str(p.totalFeeRate)], ['subsidyRate', str(p.subsidyRate)], ['rounding', p.rounding], ['aprCap', str(p.aprCap)],
    ['lateChargeRule.graceDays', str(rule.graceDays ?? p.graceDays)], ['lateChargeRule.penaltyDailyRate', str(rule.penaltyDailyRate)],
    ['lateChargeRule.penaltyBase', str(rule.penaltyBase)], ['lateChargeRule.penaltyStart', str(rule.penaltyStart)], ['lateChargeRule.lateFee', str(rule.lateFee)],
    ['lateChargeRule.capPerInstallment', str(rule.capPerInstallment)], ['lateChargeRule.rounding', str(rule.rounding)], ['allocationStrategy', p.allocationStrategy],
    ['payoffPolicy.remainingFees.code', str(fees.code)], ['payoffPolicy.remainingFees.periods', str(fees.periods)],
    ['payoffPolicy.earlyRepaymentFee.code', str(early.code)], ['payoffPolicy.earlyRepaymentFee.rate', str(early.rate)], ['payoffPolicy.earlyRepaymentFee.amount', str(early.amount)],
  ];
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
}

const compact = <T extends Record<string, unknown>>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/**
 * The form as the API's product body. Blank optional inputs are left out (the API applies its
 * defaults); numbers that do not look like numbers are passed on as typed, so the API's
 * validation — the one source of the rules — refuses them and names the field.
 */
export function productBody(f: Values, withCode: boolean): Record<string, unknown> {
  const g = (name: string) => given(f, name);
  const earlyCode = g('payoffPolicy.earlyRepaymentFee.code');
  const feesCode = g('payoffPolicy.remainingFees.code');
  return compact({
    ...(withCode ? { code: g('code') ?? '' } : {}),
    name: g('name') ?? '', method: g('method') ?? '', terms: wholeOr(g('terms')) ?? '',
    annualRate: g('annualRate'), monthlyFeeRate: g('monthlyFeeRate'), totalFeeRate: g('totalFeeRate'), subsidyRate: g('subsidyRate'),
    rounding: g('rounding'), aprCap: g('aprCap'),
    lateChargeRule: compact({
      code: 'grace-daily-penalty', graceDays: wholeOr(g('lateChargeRule.graceDays')) ?? 0, penaltyDailyRate: g('lateChargeRule.penaltyDailyRate'),
      penaltyBase: g('lateChargeRule.penaltyBase') ?? '', penaltyStart: g('lateChargeRule.penaltyStart') ?? '', lateFee: g('lateChargeRule.lateFee'),
      capPerInstallment: g('lateChargeRule.capPerInstallment'), rounding: g('lateChargeRule.rounding') ?? '',
    }),
    allocationStrategy: g('allocationStrategy'),
    payoffPolicy: compact({
      remainingFees: feesCode ? compact({ code: feesCode, periods: feesCode === 'charge-n-periods' ? wholeOr(g('payoffPolicy.remainingFees.periods')) : undefined }) : undefined,
      earlyRepaymentFee: earlyCode ? compact({
        code: earlyCode,
        rate: earlyCode === 'percent-of-prepaid-principal' ? g('payoffPolicy.earlyRepaymentFee.rate') : undefined,
        amount: earlyCode === 'flat' ? g('payoffPolicy.earlyRepaymentFee.amount') : undefined,
      }) : undefined,
    }),
  });
}
