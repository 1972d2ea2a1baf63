import { domainError, type DomainError } from '../errors.ts';
import type { Fen } from '../money/fen.ts';
import { parsePercent, type Rate } from '../money/rate.ts';
import { err, ok, type Result } from '../result.ts';

/**
 * What happens to fees (分期手续费) not yet due when a plan is paid off early, by stable code.
 * `charge-n-periods` keeps the fees of the next N installments not yet due (the current
 * period is the first of them) and waives the rest.
 */
export const REMAINING_FEE_POLICY_CODES = ['waive-remaining', 'charge-remaining', 'charge-n-periods'] as const;
export type RemainingFeePolicy =
  | { code: 'waive-remaining' }
  | { code: 'charge-remaining' }
  | { code: 'charge-n-periods'; periods: number };

/** An extra charge for paying early (提前还款违约金), by stable code, computed on the principal repaid ahead of schedule. */
export const EARLY_REPAYMENT_FEE_CODES = ['none', 'percent-of-prepaid-principal', 'flat'] as const;
export type EarlyRepaymentFeeRule =
  | { code: 'none' }
  | { code: 'percent-of-prepaid-principal'; rate: Rate }
  | { code: 'flat'; amount: Fen };

export interface PayoffPolicy {
  remainingFees: RemainingFeePolicy;
  earlyRepaymentFee: EarlyRepaymentFeeRule;
}

/** The customer-friendly default: future fees waived, nothing extra for paying early. */
export const DEFAULT_PAYOFF_POLICY: PayoffPolicy = { remainingFees: { code: 'waive-remaining' }, earlyRepaymentFee: { code: 'none' } };

/** JSON as stored on a product: rates as percent strings, money as fen. */
export interface PayoffPolicyJson {
  remainingFees: { code: string; periods?: number };
  earlyRepaymentFee: { code: string; rate?: string; amount?: Fen };
}

type Parsed<T> = Result<T, DomainError>;
const invalid = (field: string, message: string) => err(domainError('validation_failed', message, `payoffPolicy.${field}`));

export function parsePayoffPolicy(input: unknown): Parsed<PayoffPolicy> {
  if (typeof input !== 'object' || input === null) return invalid('remainingFees', 'payoff policy must be an object');
  const j = input as { remainingFees?: unknown; earlyRepaymentFee?: unknown };
  const fees = parseRemainingFees(j.remainingFees ?? DEFAULT_PAYOFF_POLICY.remainingFees);
  if (!fees.ok) return fees;
  const early = parseEarlyRepaymentFee(j.earlyRepaymentFee ?? DEFAULT_PAYOFF_POLICY.earlyRepaymentFee);
  if (!early.ok) return early;
  return ok({ remainingFees: fees.value, earlyRepaymentFee: early.value });
}

function parseRemainingFees(input: unknown): Parsed<RemainingFeePolicy> {
  const j = (typeof input === 'object' && input !== null ? input : {}) as { code?: unknown; periods?: unknown };
  if (j.code === 'waive-remaining' || j.code === 'charge-remaining') return ok({ code: j.code });
  if (j.code !== 'charge-n-periods') return invalid('remainingFees.code', `remainingFees.code must be one of ${REMAINING_FEE_POLICY_CODES.join(', ')}`);
  if (typeof j.periods !== 'number' || !Number.isInteger(j.periods) || j.periods < 1) return invalid('remainingFees.periods', 'periods must be a whole number ≥ 1');
  return ok({ code: 'charge-n-periods', periods: j.periods });
}

function parseEarlyRepaymentFee(input: unknown): Parsed<EarlyRepaymentFeeRule> {
  const j = (typeof input === 'object' && input !== null ? input : {}) as { code?: unknown; rate?: unknown; amount?: unknown };
  if (j.code === 'none') return ok({ code: 'none' });
  if (j.code === 'percent-of-prepaid-principal') {
    const rate = parsePercent(j.rate, 'payoffPolicy.earlyRepaymentFee.rate');
    return rate.ok ? ok({ code: 'percent-of-prepaid-principal', rate: rate.value }) : rate;
  }
  if (j.code === 'flat') {
    if (typeof j.amount !== 'number' || !Number.isSafeInteger(j.amount) || j.amount < 0) return invalid('earlyRepaymentFee.amount', 'amount must be a non-negative whole number of fen');
    return ok({ code: 'flat', amount: j.amount });
  }
  return invalid('earlyRepaymentFee.code', `earlyRepaymentFee.code must be one of ${EARLY_REPAYMENT_FEE_CODES.join(', ')}`);
}

export function payoffPolicyToJson(p: PayoffPolicy): PayoffPolicyJson {
  const e = p.earlyRepaymentFee;
  return {
    remainingFees: p.remainingFees.code === 'charge-n-periods' ? { code: p.remainingFees.code, periods: p.remainingFees.periods } : { code: p.remainingFees.code },
    earlyRepaymentFee: e.code === 'percent-of-prepaid-principal' ? { code: e.code, rate: e.rate.percent } : e.code === 'flat' ? { code: e.code, amount: e.amount } : { code: 'none' },
  };
}
