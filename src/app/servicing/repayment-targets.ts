import { allocate, applyAllocations } from '../../core/allocation/allocate.ts';
import { addDays, type BusinessDate } from '../../core/calendar/business-date.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import type { Fen } from '../../core/money/fen.ts';
import { formatYuan } from '../../core/money/parse.ts';
import { payoffQuote } from '../../core/payoff/payoff-quote.ts';
import { parsePayoffPolicy } from '../../core/payoff/payoff-policy.ts';
import type { RoundingMode } from '../../core/money/rounding.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { outstandingTotal } from '../../core/servicing/installment-state.ts';
import type { BookPlan, CustomerBook } from './customer-book.ts';
import { allocateAcrossPlans, type PlanAllocation } from './plan-allocation.ts';

/** What a customer chose to pay: one installment, a bill, any amount, or the whole plan early. */
export type RepaymentTarget =
  | { kind: 'installment'; planId: string; installmentNumber: number }
  | { kind: 'bill'; dueDate?: BusinessDate }
  | { kind: 'amount'; planId?: string }
  | { kind: 'payoff'; planId: string };

export interface Targeted {
  parts: PlanAllocation[];
  waivers: PlanAllocation[];
  unapplied: Fen;
  charges: Fen;
  paidOffPlanIds: string[];
}

type R = Result<Targeted, DomainError>;

/** Decides how a payment of `amount` settles the target, without touching storage. */
export function planTargets(book: CustomerBook, target: RepaymentTarget, amount: Fen, today: BusinessDate): R {
  switch (target.kind) {
    case 'installment': return payInstallment(book, target.planId, target.installmentNumber, amount, today);
    case 'bill': return payBill(book, target.dueDate, amount, today);
    case 'amount': return payAmount(book, target.planId, amount, today);
    case 'payoff': return payOff(book, target.planId, amount, today);
  }
}

function findPlan(book: CustomerBook, planId: string): Result<BookPlan, DomainError> {
  const plan = book.plans.find((p) => p.row.id === planId);
  return plan ? ok(plan) : err(domainError('plan_not_found', 'no open plan with that id for this customer', 'planId'));
}

function finish(book: CustomerBook, parts: PlanAllocation[], unapplied: Fen, waivers: PlanAllocation[] = [], charges = 0): R {
  if (parts.length === 0 && waivers.length === 0) return err(domainError('nothing_owed', 'nothing is owed on what you chose to pay'));
  const paidOffPlanIds = book.plans.filter((p) => {
    const mine = parts.filter((x) => x.planId === p.row.id).flatMap((x) => x.allocations);
    const waived = waivers.filter((x) => x.planId === p.row.id).flatMap((x) => x.allocations);
    if (mine.length === 0 && waived.length === 0) return false;
    const after = applyAllocations(applyAllocations(p.states, waived, 'waived'), mine);
    return after.every((i) => outstandingTotal(i) === 0);
  }).map((p) => p.row.id);
  return ok({ parts, waivers, unapplied, charges, paidOffPlanIds });
}

function payInstallment(book: CustomerBook, planId: string, number: number, amount: Fen, today: BusinessDate): R {
  const plan = findPlan(book, planId);
  if (!plan.ok) return plan;
  const r = allocate(plan.value.row.allocation_strategy, plan.value.states, amount, today, { installmentNumbers: [number] });
  if (!r.ok) return r;
  return finish(book, r.value.allocations.length ? [{ planId, allocations: r.value.allocations }] : [], r.value.unapplied);
}

/** The bill is every installment due on its due date, plus anything older still unpaid. */
function payBill(book: CustomerBook, dueDate: BusinessDate | undefined, amount: Fen, today: BusinessDate): R {
  const due = dueDate ?? currentBillDueDate(book.plans, today);
  if (!due) return err(domainError('nothing_owed', 'there is no open bill'));
  const r = allocateAcrossPlans(book.plans, amount, today, due, false);
  return r.ok ? finish(book, r.value.parts, r.value.unapplied) : r;
}

function payAmount(book: CustomerBook, planId: string | undefined, amount: Fen, today: BusinessDate): R {
  let plans = book.plans;
  if (planId) {
    const plan = findPlan(book, planId);
    if (!plan.ok) return plan;
    plans = [plan.value];
  }
  const r = allocateAcrossPlans(plans, amount, today, today, true);
  return r.ok ? finish(book, r.value.parts, r.value.unapplied) : r;
}

function payOff(book: CustomerBook, planId: string, amount: Fen, today: BusinessDate): R {
  const plan = findPlan(book, planId);
  if (!plan.ok) return plan;
  const quote = payoffQuoteFor(plan.value, today);
  if (!quote.ok) return quote;
  const q = quote.value;
  if (amount < q.total) return err(domainError('payoff_amount_insufficient', `paying this plan off today takes ${formatYuan(q.total)}`, 'amount', { payoffTotal: formatYuan(q.total) }));
  const parts = q.allocations.length ? [{ planId, allocations: q.allocations }] : [];
  const waivers = q.waivers.length ? [{ planId, allocations: q.waivers }] : [];
  return finish(book, parts, amount - q.total, waivers, q.earlyRepaymentFee);
}

export function payoffQuoteFor(plan: BookPlan, today: BusinessDate) {
  const policy = parsePayoffPolicy(plan.row.payoff_policy);
  if (!policy.ok) return policy;
  return payoffQuote({ installments: plan.states, startDate: plan.row.start_date, asOf: today, rounding: plan.row.rounding as RoundingMode, policy: policy.value });
}

/**
 * The due date a "pay the bill" covers by default, matching the home page's 本期应还 (see
 * core/billing/current-bill.ts): the earliest bill still owing that is not past its grace —
 * paying it also clears every older, overdue installment — or, when everything owed is
 * overdue, the latest overdue due date.
 */
export function currentBillDueDate(plans: BookPlan[], today: BusinessDate): BusinessDate | undefined {
  let current: BusinessDate | undefined;
  let latestOverdue: BusinessDate | undefined;
  for (const p of plans) {
    for (const i of p.states) {
      if (outstandingTotal(i) === 0) continue;
      const overdue = addDays(i.dueDate, p.row.grace_days) < today;
      if (!overdue && (!current || i.dueDate < current)) current = i.dueDate;
      if (overdue && (!latestOverdue || i.dueDate > latestOverdue)) latestOverdue = i.dueDate;
    }
  }
  return current ?? latestOverdue;
}
