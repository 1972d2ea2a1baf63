import { monthlyDueDates, type BusinessDate } from '../calendar/business-date.ts';
import { domainError, type DomainError } from '../errors.ts';
import type { Component } from '../ledger/accounts.ts';
import { splitEvenly } from '../money/fen.ts';
import type { Fen } from '../money/fen.ts';
import type { Rate } from '../money/rate.ts';
import type { RoundingMode } from '../money/rounding.ts';
import { pricingMethod } from '../pricing/registry.ts';
import { err, invariant, ok, type Result } from '../result.ts';
import { outstandingOf, type Allocation, type InstallmentState } from '../servicing/installment-state.ts';

/** At most five years, the ceiling Chinese rules set for an individual repayment arrangement (个性化分期, 信用卡办法第七十条). */
export const HARDSHIP_TERMS_MAX = 60;

export interface RestructurePricing {
  method: string;
  rounding: RoundingMode;
  annualRate?: Rate;
  monthlyFeeRate?: Rate;
  totalFeeRate?: Rate;
  /** The plan's original number of installments (a total fee rate was for that term). */
  originalTerms: number;
}

export interface RestructureInput {
  states: readonly InstallmentState[];
  asOf: BusinessDate;
  pricing: RestructurePricing;
  terms: number;
  firstDue: BusinessDate;
  /** Penalty the customer still pays (capitalised); everything above it is waived. */
  penaltyKept: Fen;
}

export interface NewInstallment { number: number; dueDate: BusinessDate; principal: Fen; interest: Fen; fee: Fen; total: Fen }

export interface RestructureFigures {
  /** Outstanding principal moved to the new schedule. */
  principal: Fen;
  /** Interest and fees already earned (due before asOf) and unpaid: capitalised without interest on them. */
  arrearsInterest: Fen;
  arrearsFee: Fen;
  /** Not-yet-earned interest and fees of the old schedule that the new pricing replaces. */
  unearnedInterestDropped: Fen;
  unearnedFeeDropped: Fen;
  penaltyOutstanding: Fen;
  penaltyWaived: Fen;
  /** arrears interest + arrears fee + penalty kept: principal of the new schedule that earns nothing (利不滚利). */
  capitalised: Fen;
  newInterest: Fen;
  newFee: Fen;
  owedBefore: Fen;
  owedAfter: Fen;
}

export interface Restructure {
  /** What is moved off each old installment (recorded as hardship waivers on the old rows). */
  transfers: Allocation[];
  /** Penalty forgiven, oldest installment first. */
  penaltyWaivers: Allocation[];
  schedule: NewInstallment[];
  figures: RestructureFigures;
}

const sumOf = (xs: readonly { amount: Fen }[], component?: Component) =>
  xs.reduce((s, x) => s + (component === undefined || (x as Allocation).component === component ? x.amount : 0), 0);

/**
 * 协商还款: everything the plan still owes moves to a new monthly schedule of `terms`
 * installments from `firstDue`. Outstanding principal is priced again with the plan's own
 * method; interest and fees already earned and the penalty kept are capitalised and spread
 * evenly without interest on them (no interest on interest); penalty above what is kept is
 * waived. The old installments are closed by moving what they owe, so their history (and the
 * daily close's late charges, which follow it) stops at asOf. Pure; sums hold to the fen.
 */
export function restructure(input: RestructureInput): Result<Restructure, DomainError> {
  if (!Number.isInteger(input.terms) || input.terms < 1 || input.terms > HARDSHIP_TERMS_MAX) {
    return err(domainError('terms_invalid', `a hardship plan has 1 to ${HARDSHIP_TERMS_MAX} installments`, 'terms'));
  }
  if (input.firstDue <= input.asOf) return err(domainError('date_invalid', 'the first new due date must be after today', 'firstDueDate'));
  const transfers: Allocation[] = [];
  const penalties: Allocation[] = [];
  const f = { principal: 0, arrearsInterest: 0, arrearsFee: 0, unearnedInterestDropped: 0, unearnedFeeDropped: 0 };
  for (const i of input.states) {
    // The close earns an installment's interest and fee when it closes the due date; the open date's own are not earned yet.
    const earned = i.dueDate < input.asOf;
    for (const component of ['principal', 'interest', 'fee'] as const) {
      const amount = outstandingOf(i, component);
      if (amount <= 0) continue;
      transfers.push({ installmentNumber: i.number, component, amount });
      if (component === 'principal') f.principal += amount;
      else if (component === 'interest') earned ? (f.arrearsInterest += amount) : (f.unearnedInterestDropped += amount);
      else earned ? (f.arrearsFee += amount) : (f.unearnedFeeDropped += amount);
    }
    const penalty = outstandingOf(i, 'penalty');
    if (penalty > 0) penalties.push({ installmentNumber: i.number, component: 'penalty', amount: penalty });
  }
  const penaltyOutstanding = sumOf(penalties);
  if (f.principal + f.arrearsInterest + f.arrearsFee + penaltyOutstanding === 0) return err(domainError('nothing_owed', 'the plan owes nothing to restructure'));
  if (input.penaltyKept < 0) return err(domainError('amount_invalid', 'the penalty kept cannot be negative', 'penaltyWaived'));
  const penaltyKept = Math.min(input.penaltyKept, penaltyOutstanding);
  const { waived: penaltyWaivers, moved: penaltyMoved } = splitPenalty(penalties, penaltyOutstanding - penaltyKept);
  transfers.push(...penaltyMoved);
  const capitalised = f.arrearsInterest + f.arrearsFee + penaltyKept;
  const schedule = newSchedule(input, f.principal, capitalised);
  const newInterest = schedule.reduce((s, r) => s + r.interest, 0);
  const newFee = schedule.reduce((s, r) => s + r.fee, 0);
  const owedBefore = f.principal + f.arrearsInterest + f.arrearsFee + f.unearnedInterestDropped + f.unearnedFeeDropped + penaltyOutstanding;
  const owedAfter = schedule.reduce((s, r) => s + r.total, 0);
  invariant(schedule.reduce((s, r) => s + r.principal, 0) === f.principal + capitalised, 'new principal is the old principal plus what is capitalised');
  invariant(owedAfter === owedBefore - f.unearnedInterestDropped - f.unearnedFeeDropped - sumOf(penaltyWaivers) + newInterest + newFee, 'restructure conserves what is owed');
  return ok({
    transfers, penaltyWaivers, schedule,
    figures: { ...f, penaltyOutstanding, penaltyWaived: sumOf(penaltyWaivers), capitalised, newInterest, newFee, owedBefore, owedAfter },
  });
}

/** The waived part comes off the oldest installments' penalty first; the rest of each is moved. */
function splitPenalty(penalties: readonly Allocation[], toWaive: Fen): { waived: Allocation[]; moved: Allocation[] } {
  const waived: Allocation[] = [];
  const moved: Allocation[] = [];
  let left = toWaive;
  for (const p of penalties) {
    const w = Math.min(left, p.amount);
    left -= w;
    if (w > 0) waived.push({ ...p, amount: w });
    if (p.amount - w > 0) moved.push({ ...p, amount: p.amount - w });
  }
  return { waived, moved };
}

function newSchedule(input: RestructureInput, principal: Fen, capitalised: Fen): NewInstallment[] {
  const first = Math.max(0, ...input.states.map((i) => i.number)) + 1;
  const dates = monthlyDueDates(input.firstDue, input.terms);
  const priced = principal > 0 ? price(input, principal) : dates.map(() => ({ principal: 0, interest: 0, fee: 0 }));
  // The capitalised arrears are split evenly, the plan's rounding naming the share and the last installment taking the residue.
  const arrears = splitEvenly(capitalised, input.terms, input.pricing.rounding);
  return dates.map((dueDate, k) => {
    const p = priced[k]!.principal + arrears[k]!;
    return { number: first + k, dueDate, principal: p, interest: priced[k]!.interest, fee: priced[k]!.fee, total: p + priced[k]!.interest + priced[k]!.fee };
  });
}

function price(input: RestructureInput, principal: Fen): { principal: Fen; interest: Fen; fee: Fen }[] {
  const p = input.pricing;
  const method = pricingMethod(p.method);
  invariant(method, `unknown pricing method ${p.method}`);
  // A total fee rate was for the original term; per period it stays the same over the new one.
  const totalFeeRate = p.totalFeeRate ? { num: p.totalFeeRate.num * input.terms, den: p.totalFeeRate.den * p.originalTerms, percent: p.totalFeeRate.percent } : undefined;
  return method.schedule({
    financed: principal, terms: input.terms, firstDue: input.firstDue, rounding: p.rounding,
    annualRate: p.annualRate, monthlyFeeRate: p.monthlyFeeRate, totalFeeRate,
  });
}
