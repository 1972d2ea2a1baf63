import { Type, type Static } from 'typebox';
import { GRACE_DAYS_MAX, LATE_CHARGE_RULE_CODES, PENALTY_BASES, PENALTY_STARTS } from '../../../core/charges/late-charge-rule.ts';
import { EARLY_REPAYMENT_FEE_CODES, REMAINING_FEE_POLICY_CODES } from '../../../core/payoff/payoff-policy.ts';
import { ALLOCATION_STRATEGY_CODES } from '../../../core/allocation/registry.ts';
import { PRICING_METHOD_CODES } from '../../../core/pricing/registry.ts';
import { MAX_TERMS } from '../../../core/pricing/quote.ts';
import { ROUNDING_MODES } from '../../../core/money/rounding.ts';
import { formatYuan, parseYuan } from '../../../core/money/parse.ts';
import { ok, type Result } from '../../../core/result.ts';
import type { DomainError } from '../../../core/errors.ts';
import type { ProductTermsInput } from '../../../app/admin/save-product-version.ts';
import type { ProductRow } from '../../../app/admin/define-product.ts';
import { Money, Percent } from '../schemas.ts';
import { iso, Nullable, Timestamp } from './admin-schemas.ts';

/**
 * Product schemas. The late-charge rule and payoff policy are the core modules' JSON forms
 * except that money (late fee, cap, flat early-repayment fee) is a yuan string here, as
 * everywhere on the API; it is converted to fen before the core parsers see it.
 */
const LateChargeRule = Type.Object({
  code: Type.String({ enum: [...LATE_CHARGE_RULE_CODES] }),
  graceDays: Type.Integer({ minimum: 0, maximum: GRACE_DAYS_MAX, description: '宽限期: days after the due date without any charge' }),
  penaltyDailyRate: Type.Optional(Percent), penaltyBase: Type.String({ enum: [...PENALTY_BASES] }),
  penaltyStart: Type.String({ enum: [...PENALTY_STARTS], description: 'from-due-date: once grace is exceeded, grace days are charged too' }),
  lateFee: Type.Optional(Money), capPerInstallment: Type.Optional(Money), rounding: Type.String({ enum: [...ROUNDING_MODES] }),
}, { additionalProperties: false, description: 'core/charges/late-charge-rule.ts' });

const PayoffPolicy = Type.Object({
  remainingFees: Type.Optional(Type.Object({ code: Type.String({ enum: [...REMAINING_FEE_POLICY_CODES] }), periods: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_TERMS })) }, { additionalProperties: false })),
  earlyRepaymentFee: Type.Optional(Type.Object({ code: Type.String({ enum: [...EARLY_REPAYMENT_FEE_CODES] }), rate: Type.Optional(Percent), amount: Type.Optional(Money) }, { additionalProperties: false })),
}, { additionalProperties: false, description: 'core/payoff/payoff-policy.ts' });

const termsFields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  method: Type.String({ description: `one of ${PRICING_METHOD_CODES.join(', ')}` }),
  terms: Type.Integer({ minimum: 1, maximum: MAX_TERMS }),
  annualRate: Type.Optional(Percent), monthlyFeeRate: Type.Optional(Percent), totalFeeRate: Type.Optional(Percent), subsidyRate: Type.Optional(Percent),
  rounding: Type.Optional(Type.String({ enum: [...ROUNDING_MODES] })),
  graceDays: Type.Optional(Type.Integer({ minimum: 0, maximum: GRACE_DAYS_MAX, description: 'same as lateChargeRule.graceDays; send either' })),
  lateChargeRule: Type.Optional(LateChargeRule),
  allocationStrategy: Type.Optional(Type.String({ description: `repayment waterfall, one of ${ALLOCATION_STRATEGY_CODES.join(', ')}` })),
  payoffPolicy: Type.Optional(PayoffPolicy),
  aprCap: Type.Optional(Percent),
};

const example = {
  name: '12期 0.6%/月', method: 'fee-per-period', terms: 12, monthlyFeeRate: '0.6', aprCap: '24',
  lateChargeRule: { code: 'grace-daily-penalty', graceDays: 3, penaltyDailyRate: '0.05', penaltyBase: 'overdue-principal', penaltyStart: 'from-due-date', lateFee: '0.00', rounding: 'half-up' },
  allocationStrategy: 'penalty-fee-interest-principal', payoffPolicy: { remainingFees: { code: 'charge-n-periods', periods: 1 }, earlyRepaymentFee: { code: 'none' } },
};

export const DefineProductBody = Type.Object({ code: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,39}$', description: 'stable code, unique' }), ...termsFields }, { additionalProperties: false, examples: [{ code: 'fee-12', ...example }] });
export const ProductVersionBody = Type.Object(termsFields, { additionalProperties: false, examples: [example] });
type TermsBody = Static<typeof ProductVersionBody>;

export const ProductSchema = Type.Object({
  productId: Type.String(), version: Type.Integer(), code: Type.String(), name: Type.String(), method: Type.String(), terms: Type.Integer(),
  annualRate: Nullable(Type.String()), monthlyFeeRate: Nullable(Type.String()), totalFeeRate: Nullable(Type.String()), subsidyRate: Nullable(Type.String()),
  rounding: Type.String(), graceDays: Type.Integer(), lateChargeRule: Type.Object({}, { additionalProperties: true }), allocationStrategy: Type.String(),
  payoffPolicy: Type.Object({}, { additionalProperties: true }), aprCap: Type.String(), status: Type.String({ enum: ['active', 'retired'] }), createdAt: Timestamp,
}, { examples: [{
  productId: '0192f0c8-5c2a-7000-8000-000000000002', version: 1, code: 'fee-12', ...example, annualRate: null, totalFeeRate: null, subsidyRate: null,
  rounding: 'half-up', graceDays: 3, status: 'active', createdAt: '2026-01-05T02:00:00.000Z',
}] });
export const DefinedProductSchema = Type.Object({ ...ProductSchema.properties, sampleApr: Type.String({ description: 'APR on a 10000.00 sample price, percent' }) });
export const ProductDetailSchema = Type.Object({
  productId: Type.String(), code: Type.String(), status: Type.String(), merchantIds: Type.Array(Type.String()), versions: Type.Array(ProductSchema, { description: 'newest first' }),
});

const fenField = (o: Record<string, unknown> | undefined, key: string, field: string): Result<Record<string, unknown> | undefined, DomainError> => {
  if (!o || typeof o[key] !== 'string') return ok(o);
  const fen = parseYuan(o[key], { field });
  return fen.ok ? ok({ ...o, [key]: fen.value }) : fen;
};

/** The request body as use-case input: yuan strings in the rule and policy become fen. */
export function productTermsInput(body: TermsBody): Result<ProductTermsInput, DomainError> {
  let rule: Result<Record<string, unknown> | undefined, DomainError> = ok(body.lateChargeRule);
  for (const key of ['lateFee', 'capPerInstallment']) if (rule.ok) rule = fenField(rule.value, key, `lateChargeRule.${key}`);
  if (!rule.ok) return rule;
  const early = fenField(body.payoffPolicy?.earlyRepaymentFee, 'amount', 'payoffPolicy.earlyRepaymentFee.amount');
  if (!early.ok) return early;
  const { aprCap, lateChargeRule: _r, payoffPolicy: _p, ...rest } = body;
  return ok({
    ...rest, ...(aprCap ? { aprCapPercent: aprCap } : {}), ...(rule.value ? { lateChargeRule: rule.value } : {}),
    ...(body.payoffPolicy ? { payoffPolicy: { ...body.payoffPolicy, ...(early.value ? { earlyRepaymentFee: early.value } : {}) } } : {}),
  });
}

const yuanFields = (o: unknown, keys: string[]): Record<string, unknown> => {
  const copy = { ...(o as Record<string, unknown>) };
  for (const k of keys) if (typeof copy[k] === 'number') copy[k] = formatYuan(copy[k] as number);
  return copy;
};

export function productView(p: ProductRow) {
  const policy = (p.payoff_policy ?? {}) as Record<string, unknown>;
  return {
    productId: p.id, version: p.version, code: p.code, name: p.name, method: p.method, terms: p.terms,
    annualRate: p.annual_rate, monthlyFeeRate: p.monthly_fee_rate, totalFeeRate: p.total_fee_rate, subsidyRate: p.subsidy_rate,
    rounding: p.rounding, graceDays: p.grace_days, lateChargeRule: yuanFields(p.late_charge_rule, ['lateFee', 'capPerInstallment']),
    allocationStrategy: p.allocation_strategy,
    payoffPolicy: policy.earlyRepaymentFee ? { ...policy, earlyRepaymentFee: yuanFields(policy.earlyRepaymentFee, ['amount']) } : policy,
    aprCap: p.apr_cap, status: p.status, createdAt: iso(p.created_at),
  };
}

export const productDetailView = (d: { versions: ProductRow[]; merchantIds: string[] }) => ({
  productId: d.versions[0]!.id, code: d.versions[0]!.code, status: d.versions[0]!.status, merchantIds: d.merchantIds, versions: d.versions.map(productView),
});
