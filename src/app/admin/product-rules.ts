import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { lateChargeRuleToJson, parseLateChargeRule, type LateChargeRuleJson } from '../../core/charges/late-charge-rule.ts';
import { parsePayoffPolicy, payoffPolicyToJson, type PayoffPolicyJson } from '../../core/payoff/payoff-policy.ts';
import { allocationStrategy, ALLOCATION_STRATEGY_CODES, DEFAULT_ALLOCATION_STRATEGY } from '../../core/allocation/registry.ts';

/**
 * 3 days' grace, then 0.05%/day penalty interest on overdue principal counted from the due
 * date — the common terms of Chinese consumer-credit products.
 */
export const DEFAULT_LATE_CHARGE_RULE: LateChargeRuleJson = {
  code: 'grace-daily-penalty', graceDays: 3, penaltyDailyRate: '0.05', penaltyBase: 'overdue-principal', penaltyStart: 'from-due-date', rounding: 'half-up',
};

export interface ServicingRulesInput { terms: number; graceDays?: number; lateChargeRule?: unknown; allocationStrategy?: string; payoffPolicy?: unknown }
export interface ServicingRules { graceDays: number; lateChargeRule: LateChargeRuleJson; allocationStrategy: string; payoffPolicy: PayoffPolicyJson }

/**
 * Validates a product's servicing rules with the same core parsers servicing will use on
 * every plan made from it, and returns them normalised, so a rule that would fail at the
 * daily close is refused when the product is defined instead. The product's grace days and
 * its late-charge rule's grace days are one number: sending both, they must agree.
 */
export function parseServicingRules(input: ServicingRulesInput): Result<ServicingRules, DomainError> {
  const rule = parseLateChargeRule(input.lateChargeRule ?? { ...DEFAULT_LATE_CHARGE_RULE, graceDays: input.graceDays ?? DEFAULT_LATE_CHARGE_RULE.graceDays });
  if (!rule.ok) return rule;
  if (input.graceDays !== undefined && input.graceDays !== rule.value.graceDays) {
    return err(domainError('validation_failed', `graceDays (${input.graceDays}) differs from lateChargeRule.graceDays (${rule.value.graceDays}); send one of them`, 'graceDays'));
  }
  const strategy = input.allocationStrategy ?? DEFAULT_ALLOCATION_STRATEGY;
  if (!allocationStrategy(strategy)) {
    return err(domainError('allocation_strategy_unknown', `allocationStrategy must be one of ${ALLOCATION_STRATEGY_CODES.join(', ')}`, 'allocationStrategy'));
  }
  const policy = parsePayoffPolicy(input.payoffPolicy ?? {});
  if (!policy.ok) return policy;
  const fees = policy.value.remainingFees;
  if (fees.code === 'charge-n-periods' && fees.periods > input.terms) {
    return err(domainError('validation_failed', `payoffPolicy.remainingFees.periods (${fees.periods}) is more than the product's ${input.terms} terms`, 'payoffPolicy.remainingFees.periods'));
  }
  return ok({
    graceDays: rule.value.graceDays, lateChargeRule: lateChargeRuleToJson(rule.value),
    allocationStrategy: strategy, payoffPolicy: payoffPolicyToJson(policy.value),
  });
}
