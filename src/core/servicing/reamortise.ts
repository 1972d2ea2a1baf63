import type { BusinessDate } from '../calendar/business-date.ts';
import type { Fen } from '../money/fen.ts';
import type { RoundingMode } from '../money/rounding.ts';
import type { Rate } from '../money/rate.ts';
import { invariant } from '../result.ts';
import { pricingMethod } from '../pricing/registry.ts';
import type { InstallmentState } from './installment-state.ts';

/** After a partial return: keep the number of installments and make them smaller, or keep their size and end sooner. */
export type PartialReturnMode = 'smaller' | 'fewer';

export interface ReamortiseInput {
  states: readonly InstallmentState[];
  method: string;
  rounding: RoundingMode;
  annualRate?: Rate;
  monthlyFeeRate?: Rate;
  totalFeeRate?: Rate;
  /** Principal to take off the plan. */
  reduction: Fen;
  asOf: BusinessDate;
  mode: PartialReturnMode;
}

export interface ReamortisedRow { number: number; principal: Fen; interest: Fen; fee: Fen }

export interface Reamortised {
  /** New amounts for the installments that were re-amortised (untouched and not yet due). */
  rows: ReamortisedRow[];
  /** Principal removed from those installments. */
  principalReduced: Fen;
  /** Reduction that no future installment could absorb: it comes off what is due, then goes back to the customer. */
  overflow: Fen;
}

/**
 * 部分退货: takes principal off the installments that are not yet due and have nothing paid
 * or waived, and prices them again with the plan's own method over the same due dates, so
 * past payments and history are never rewritten. The new principal parts add up to the
 * old ones minus the reduction, to the fen.
 */
export function reamortise(input: ReamortiseInput): Reamortised {
  const targets = input.states.filter((i) => i.dueDate > input.asOf && untouched(i));
  const oldPrincipal = targets.reduce((s, i) => s + i.principal, 0);
  const principalReduced = Math.min(input.reduction, oldPrincipal);
  const overflow = input.reduction - principalReduced;
  const remaining = oldPrincipal - principalReduced;
  if (targets.length === 0) return { rows: [], principalReduced: 0, overflow };
  const rows = remaining === 0
    ? targets.map((i) => ({ number: i.number, principal: 0, interest: 0, fee: 0 }))
    : input.mode === 'fewer' && !input.annualRate
      ? fewer(targets, remaining)
      : smaller(targets, remaining, input);
  invariant(rows.reduce((s, r) => s + r.principal, 0) === remaining, 're-amortised principal adds up');
  return { rows, principalReduced, overflow };
}

function untouched(i: InstallmentState): boolean {
  const { paid, waived } = i;
  return paid.principal + paid.interest + paid.fee + paid.penalty + waived.principal + waived.interest + waived.fee + waived.penalty === 0;
}

function smaller(targets: InstallmentState[], principal: Fen, input: ReamortiseInput): ReamortisedRow[] {
  const method = pricingMethod(input.method);
  invariant(method, `unknown pricing method ${input.method}`);
  const schedule = method.schedule({
    financed: principal, terms: targets.length, firstDue: targets[0]!.dueDate, rounding: input.rounding,
    annualRate: input.annualRate, monthlyFeeRate: input.monthlyFeeRate, totalFeeRate: scaledTotalFee(input, targets.length),
  });
  return targets.map((t, k) => ({ number: t.number, principal: schedule[k]!.principal, interest: schedule[k]!.interest, fee: schedule[k]!.fee }));
}

/**
 * A total fee rate was for the whole original term; over fewer remaining periods it is
 * scaled so each remaining period keeps the same per-period rate on the smaller principal.
 */
function scaledTotalFee(input: ReamortiseInput, remainingTerms: number): Rate | undefined {
  if (!input.totalFeeRate) return undefined;
  const originalTerms = input.states.length;
  const r = input.totalFeeRate;
  return { num: r.num * remainingTerms, den: r.den * originalTerms, percent: r.percent };
}

/** Keeps the earliest installments' principal and drops the tail; fees follow the installments kept. */
function fewer(targets: InstallmentState[], principal: Fen): ReamortisedRow[] {
  let left = principal;
  return targets.map((t) => {
    const p = Math.min(t.principal, left);
    left -= p;
    return { number: t.number, principal: p, interest: 0, fee: p === 0 ? 0 : t.fee };
  });
}
