import { daysBetween, type BusinessDate } from '../calendar/business-date.ts';
import { domainError, type DomainError } from '../errors.ts';
import { COMPONENTS, type Component } from '../ledger/accounts.ts';
import { mulDiv, sumFen, type Fen } from '../money/fen.ts';
import type { RoundingMode } from '../money/rounding.ts';
import { err, invariant, ok, type Result } from '../result.ts';
import { outstandingOf, outstandingTotal, zeroComponents, type Allocation, type InstallmentState } from '../servicing/installment-state.ts';
import { DEFAULT_PAYOFF_POLICY, type EarlyRepaymentFeeRule, type PayoffPolicy, type RemainingFeePolicy } from './payoff-policy.ts';

export interface PayoffInput {
  installments: readonly InstallmentState[];
  /** When the plan started (放款日): period 1 accrues interest from here. */
  startDate: BusinessDate;
  asOf: BusinessDate;
  /** The plan's rounding mode, used for the prorated interest and a percent early-repayment fee. */
  rounding: RoundingMode;
  policy?: PayoffPolicy;
}

/** `due`: due on or before asOf. `current`: the first installment not yet due, whose period asOf falls in. */
export type PayoffLineStatus = 'due' | 'current' | 'future';

export interface PayoffLine {
  installmentNumber: number;
  dueDate: BusinessDate;
  status: PayoffLineStatus;
  collect: Record<Component, Fen>;
  waive: Record<Component, Fen>;
}

export interface PayoffQuote {
  asOf: BusinessDate;
  /** What the payoff collects per component (罚息滞纳金 included under penalty). */
  collect: Record<Component, Fen>;
  earlyRepaymentFee: Fen;
  /** collect summed + earlyRepaymentFee: the amount to pay on asOf. */
  total: Fen;
  waived: Record<Component, Fen>;
  waivedTotal: Fen;
  /** Principal not yet due: what is repaid ahead of schedule. */
  prepaidPrincipal: Fen;
  /** Everything still owed if the schedule ran its course (penalties posted so far included). */
  scheduleRemaining: Fen;
  /** scheduleRemaining − total = waivedTotal − earlyRepaymentFee ("what it saves"; negative if the fee outweighs it). */
  saves: Fen;
  lines: PayoffLine[];
  /** Ready to post: apply `waivers` as waived and `allocations` as paid, and every installment is settled. */
  allocations: Allocation[];
  waivers: Allocation[];
}

/**
 * 提前还款 quote. Everything due on or before asOf is collected in full, penalties included
 * (as posted: run the day's late charges first if they matter). Of what is not yet due,
 * principal is collected; interest only for the current period, prorated by days elapsed
 * (actual days since the previous due date, or startDate for period 1, over the period's
 * actual days, rounded by the plan's mode); fees by the policy. One rule serves every
 * pricing method: interest methods have no fees and fee methods no interest.
 */
export function payoffQuote(input: PayoffInput): Result<PayoffQuote, DomainError> {
  const { asOf, startDate, rounding } = input;
  const policy = input.policy ?? DEFAULT_PAYOFF_POLICY;
  if (asOf < startDate) return err(domainError('date_invalid', `a payoff cannot be quoted before the plan starts on ${startDate}`, 'asOf'));
  const sorted = [...input.installments].sort((a, b) => a.number - b.number);
  const scheduleRemaining = sumFen(sorted.map(outstandingTotal));
  if (scheduleRemaining === 0) return err(domainError('nothing_owed', 'the plan is already settled', 'planId'));
  let futureIndex = 0;
  const lines = sorted.map((inst, k) => {
    const periodStart = k === 0 ? startDate : sorted[k - 1]!.dueDate;
    invariant(periodStart < inst.dueDate, `installment ${inst.number} is due after the one before it`);
    if (inst.dueDate <= asOf) return dueLine(inst);
    return notYetDueLine(inst, futureIndex++, { periodStart, asOf, rounding, fees: policy.remainingFees });
  });
  return ok(summarise(lines, asOf, scheduleRemaining, policy.earlyRepaymentFee, rounding));
}

function dueLine(inst: InstallmentState): PayoffLine {
  const collect = zeroComponents();
  for (const c of COMPONENTS) collect[c] = outstandingOf(inst, c);
  return { installmentNumber: inst.number, dueDate: inst.dueDate, status: 'due', collect, waive: zeroComponents() };
}

interface PeriodContext { periodStart: BusinessDate; asOf: BusinessDate; rounding: RoundingMode; fees: RemainingFeePolicy }

function notYetDueLine(inst: InstallmentState, futureIndex: number, ctx: PeriodContext): PayoffLine {
  const current = futureIndex === 0;
  const collect = zeroComponents();
  collect.principal = outstandingOf(inst, 'principal');
  collect.penalty = outstandingOf(inst, 'penalty');
  if (current) {
    const accrued = accruedInterest(inst.interest, ctx.periodStart, inst.dueDate, ctx.asOf, ctx.rounding);
    // Interest already settled beyond what accrued is not refunded here; it just leaves nothing to collect.
    collect.interest = Math.max(0, accrued - inst.paid.interest - inst.waived.interest);
  }
  if (keepsFee(ctx.fees, futureIndex)) collect.fee = outstandingOf(inst, 'fee');
  const waive = zeroComponents();
  for (const c of COMPONENTS) waive[c] = outstandingOf(inst, c) - collect[c];
  return { installmentNumber: inst.number, dueDate: inst.dueDate, status: current ? 'current' : 'future', collect, waive };
}

/** A period's interest earned by asOf: interest × elapsed days / period days, rounded by the plan's mode. */
export function accruedInterest(interest: Fen, periodStart: BusinessDate, dueDate: BusinessDate, asOf: BusinessDate, rounding: RoundingMode): Fen {
  const periodDays = daysBetween(periodStart, dueDate);
  invariant(periodDays > 0, 'a period has at least one day');
  const elapsed = Math.min(periodDays, Math.max(0, daysBetween(periodStart, asOf)));
  return mulDiv(interest, elapsed, periodDays, rounding);
}

function keepsFee(policy: RemainingFeePolicy, futureIndex: number): boolean {
  switch (policy.code) {
    case 'waive-remaining': return false;
    case 'charge-remaining': return true;
    case 'charge-n-periods': return futureIndex < policy.periods;
  }
}

/** Nothing is early when no principal is prepaid, so no early-repayment fee then. */
export function earlyRepaymentFee(rule: EarlyRepaymentFeeRule, prepaidPrincipal: Fen, rounding: RoundingMode): Fen {
  if (prepaidPrincipal === 0) return 0;
  switch (rule.code) {
    case 'none': return 0;
    case 'flat': return rule.amount;
    case 'percent-of-prepaid-principal': return mulDiv(prepaidPrincipal, rule.rate.num, rule.rate.den, rounding);
  }
}

function summarise(lines: PayoffLine[], asOf: BusinessDate, scheduleRemaining: Fen, feeRule: EarlyRepaymentFeeRule, rounding: RoundingMode): PayoffQuote {
  const collect = zeroComponents();
  const waived = zeroComponents();
  for (const line of lines) for (const c of COMPONENTS) { collect[c] += line.collect[c]; waived[c] += line.waive[c]; }
  const prepaidPrincipal = sumFen(lines.filter((l) => l.status !== 'due').map((l) => l.collect.principal));
  const fee = earlyRepaymentFee(feeRule, prepaidPrincipal, rounding);
  const collected = sumFen(COMPONENTS.map((c) => collect[c]));
  const waivedTotal = sumFen(COMPONENTS.map((c) => waived[c]));
  invariant(collected + waivedTotal === scheduleRemaining, 'a payoff collects or waives every fen still owed');
  const total = collected + fee;
  return {
    asOf, collect, earlyRepaymentFee: fee, total, waived, waivedTotal, prepaidPrincipal, scheduleRemaining,
    saves: scheduleRemaining - total, lines, allocations: toAllocations(lines, 'collect'), waivers: toAllocations(lines, 'waive'),
  };
}

/** Penalty first, as the default waterfall would, so postings read in the familiar order. */
function toAllocations(lines: readonly PayoffLine[], side: 'collect' | 'waive'): Allocation[] {
  return lines.flatMap((l) => COMPONENTS.filter((c) => l[side][c] > 0).map((component) => ({ installmentNumber: l.installmentNumber, component, amount: l[side][component] })));
}
