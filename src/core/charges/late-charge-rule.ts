import { domainError, type DomainError } from '../errors.ts';
import type { Fen } from '../money/fen.ts';
import { parsePercent, type Rate } from '../money/rate.ts';
import { isRoundingMode, type RoundingMode } from '../money/rounding.ts';
import { err, ok, type Result } from '../result.ts';

/** Rule kinds by stable code (GUIDE rule 6). One parameterised kind covers grace + 罚息 + 滞纳金 + cap today. */
export const LATE_CHARGE_RULE_CODES = ['grace-daily-penalty'] as const;
export type LateChargeRuleCode = (typeof LATE_CHARGE_RULE_CODES)[number];

/** What penalty interest accrues on. Neither includes penalties already charged: no compounding (不计复利). */
export const PENALTY_BASES = ['overdue-principal', 'overdue-amount'] as const;
export type PenaltyBase = (typeof PENALTY_BASES)[number];

/**
 * `from-due-date`: once grace is exceeded, penalty counts from the day after the due date
 * (retroactive — the common Chinese rule: pay within grace and owe nothing, miss it and the
 * grace days are charged too). `after-grace`: penalty counts only from the day after grace.
 */
export const PENALTY_STARTS = ['from-due-date', 'after-grace'] as const;
export type PenaltyStart = (typeof PENALTY_STARTS)[number];

export const GRACE_DAYS_MAX = 90;

/** Late-charge terms as stored on a product (parsed; rates exact). */
export interface LateChargeRule {
  code: LateChargeRuleCode;
  /** Days after the due date that may pass without any charge (宽限期); the last one is dueDate + graceDays. */
  graceDays: number;
  /** Penalty interest per day (罚息), a percent per day such as "0.05"; absent means none. */
  penaltyDailyRate?: Rate;
  penaltyBase: PenaltyBase;
  penaltyStart: PenaltyStart;
  /** Flat late fee (滞纳金) charged once per installment when grace runs out; 0 means none. */
  lateFee: Fen;
  /** Most that penalty + late fee may ever reach on one installment; absent means no cap. */
  capPerInstallment?: Fen;
  /** Each day's penalty is rounded to the fen by this mode before it is added up. */
  rounding: RoundingMode;
}

/** The JSON form: money in fen, the rate as a percent string exactly as the product wrote it. */
export interface LateChargeRuleJson {
  code: string;
  graceDays: number;
  penaltyDailyRate?: string;
  penaltyBase: string;
  penaltyStart: string;
  lateFee?: Fen;
  capPerInstallment?: Fen;
  rounding: string;
}

export const NO_LATE_CHARGES: LateChargeRule = {
  code: 'grace-daily-penalty', graceDays: 0, penaltyBase: 'overdue-principal', penaltyStart: 'after-grace', lateFee: 0, rounding: 'half-up',
};

const invalid = (field: string, message: string) => err(domainError('validation_failed', message, `lateChargeRule.${field}`));
const isFen = (v: unknown): v is Fen => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export function parseLateChargeRule(input: unknown): Result<LateChargeRule, DomainError> {
  if (typeof input !== 'object' || input === null) return invalid('code', 'late charge rule must be an object');
  const j = input as Partial<Record<keyof LateChargeRuleJson, unknown>>;
  if (!(LATE_CHARGE_RULE_CODES as readonly unknown[]).includes(j.code)) return invalid('code', `code must be one of ${LATE_CHARGE_RULE_CODES.join(', ')}`);
  if (typeof j.graceDays !== 'number' || !Number.isInteger(j.graceDays) || j.graceDays < 0 || j.graceDays > GRACE_DAYS_MAX) {
    return invalid('graceDays', `graceDays must be a whole number from 0 to ${GRACE_DAYS_MAX}`);
  }
  if (!(PENALTY_BASES as readonly unknown[]).includes(j.penaltyBase)) return invalid('penaltyBase', `penaltyBase must be one of ${PENALTY_BASES.join(', ')}`);
  if (!(PENALTY_STARTS as readonly unknown[]).includes(j.penaltyStart)) return invalid('penaltyStart', `penaltyStart must be one of ${PENALTY_STARTS.join(', ')}`);
  if (!isRoundingMode(j.rounding)) return invalid('rounding', 'rounding must be half-up, half-even, down or up');
  if (j.lateFee !== undefined && !isFen(j.lateFee)) return invalid('lateFee', 'lateFee must be a non-negative whole number of fen');
  if (j.capPerInstallment !== undefined && !isFen(j.capPerInstallment)) return invalid('capPerInstallment', 'capPerInstallment must be a non-negative whole number of fen');
  let rate: Rate | undefined;
  if (j.penaltyDailyRate !== undefined) {
    const parsed = parsePercent(j.penaltyDailyRate, 'lateChargeRule.penaltyDailyRate');
    if (!parsed.ok) return parsed;
    rate = parsed.value;
  }
  return ok({
    code: j.code as LateChargeRuleCode, graceDays: j.graceDays, penaltyBase: j.penaltyBase as PenaltyBase, penaltyStart: j.penaltyStart as PenaltyStart,
    lateFee: j.lateFee ?? 0, rounding: j.rounding, ...(rate ? { penaltyDailyRate: rate } : {}),
    ...(j.capPerInstallment !== undefined ? { capPerInstallment: j.capPerInstallment } : {}),
  });
}

export function lateChargeRuleToJson(rule: LateChargeRule): LateChargeRuleJson {
  return {
    code: rule.code, graceDays: rule.graceDays, penaltyBase: rule.penaltyBase, penaltyStart: rule.penaltyStart, rounding: rule.rounding,
    ...(rule.penaltyDailyRate ? { penaltyDailyRate: rule.penaltyDailyRate.percent } : {}),
    ...(rule.lateFee ? { lateFee: rule.lateFee } : {}),
    ...(rule.capPerInstallment !== undefined ? { capPerInstallment: rule.capPerInstallment } : {}),
  };
}
