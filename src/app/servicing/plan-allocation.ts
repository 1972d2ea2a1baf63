import { allocate, applyAllocations } from '../../core/allocation/allocate.ts';
import type { BusinessDate } from '../../core/calendar/business-date.ts';
import type { DomainError } from '../../core/errors.ts';
import type { Fen } from '../../core/money/fen.ts';
import { ok, type Result } from '../../core/result.ts';
import { outstandingTotal, type Allocation, type InstallmentState } from '../../core/servicing/installment-state.ts';
import type { BookPlan } from './customer-book.ts';

export interface PlanAllocation { planId: string; allocations: Allocation[] }
export interface CrossPlanOutcome { parts: PlanAllocation[]; unapplied: Fen }

/**
 * Spreads one payment over several plans: first everything due (on or before `dueBy`),
 * plan by plan from the one whose oldest unpaid installment is oldest; then, if money is
 * left and `includeFuture`, installments not yet due in the same plan order. Within a plan
 * each product's own waterfall decides the order.
 */
export function allocateAcrossPlans(
  plans: BookPlan[], amount: Fen, asOf: BusinessDate, dueBy: BusinessDate, includeFuture: boolean,
): Result<CrossPlanOutcome, DomainError> {
  const ordered = [...plans].sort((a, b) => oldestOpenDue(a.states).localeCompare(oldestOpenDue(b.states)));
  const working = new Map(ordered.map((p) => [p.row.id, p.states]));
  const parts = new Map<string, Allocation[]>();
  let remaining = amount;
  const passes: ((i: InstallmentState) => boolean)[] = [(i) => i.dueDate <= dueBy];
  if (includeFuture) passes.push(() => true);
  for (const inScope of passes) {
    for (const plan of ordered) {
      if (remaining === 0) break;
      const states = working.get(plan.row.id)!;
      const numbers = states.filter((i) => inScope(i) && outstandingTotal(i) > 0).map((i) => i.number);
      if (numbers.length === 0) continue;
      const r = allocate(plan.row.allocation_strategy, states, remaining, asOf, { installmentNumbers: numbers });
      if (!r.ok) return r;
      if (r.value.allocations.length === 0) continue;
      working.set(plan.row.id, applyAllocations(states, r.value.allocations));
      parts.set(plan.row.id, [...(parts.get(plan.row.id) ?? []), ...r.value.allocations]);
      remaining = r.value.unapplied;
    }
  }
  return ok({ parts: [...parts].map(([planId, allocations]) => ({ planId, allocations })), unapplied: remaining });
}

function oldestOpenDue(states: InstallmentState[]): string {
  return states.find((i) => outstandingTotal(i) > 0)?.dueDate ?? '9999-12-31';
}
