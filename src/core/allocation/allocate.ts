import type { BusinessDate } from '../calendar/business-date.ts';
import { domainError, type DomainError } from '../errors.ts';
import { COMPONENTS } from '../ledger/accounts.ts';
import { assertFen, sumFen, type Fen } from '../money/fen.ts';
import { err, invariant, ok, type Result } from '../result.ts';
import { outstandingOf, type Allocation, type InstallmentState } from '../servicing/installment-state.ts';
import { allocationStrategy, ALLOCATION_STRATEGY_CODES } from './registry.ts';
import type { AllocateOptions, AllocationOutcome } from './types.ts';

/**
 * Splits a payment over installments by the named waterfall. Each slot takes as much as it
 * still owes; what no slot can take is `unapplied` (the customer's credit balance). Invariant,
 * asserted: sum(allocations) + unapplied = amount, and no component receives more than it owes.
 */
export function allocate(
  strategyCode: string,
  installments: readonly InstallmentState[],
  amount: Fen,
  asOf: BusinessDate,
  options: AllocateOptions = {},
): Result<AllocationOutcome, DomainError> {
  const strategy = allocationStrategy(strategyCode);
  if (!strategy) {
    return err(domainError('allocation_strategy_unknown', `allocation strategy must be one of ${ALLOCATION_STRATEGY_CODES.join(', ')}; got ${JSON.stringify(strategyCode)}`, 'strategy'));
  }
  if (!Number.isSafeInteger(amount) || amount < 0) return err(domainError('amount_invalid', `amount must be a non-negative whole number of fen; got ${amount}`, 'amount'));
  const scope = selectInstallments(installments, options.installmentNumbers);
  if (!scope.ok) return scope;
  const byNumber = new Map(scope.value.map((i) => [i.number, i]));
  const visited = new Set<string>();
  const allocations: Allocation[] = [];
  let remaining = amount;
  for (const slot of strategy.order(scope.value, asOf)) {
    const inst = byNumber.get(slot.installmentNumber);
    invariant(inst, `strategy ${strategy.code} named installment ${slot.installmentNumber} outside the scope`);
    const key = `${slot.installmentNumber}:${slot.component}`;
    invariant(!visited.has(key), `strategy ${strategy.code} visits ${key} twice`);
    visited.add(key);
    const take = Math.min(remaining, outstandingOf(inst, slot.component));
    if (take > 0) {
      allocations.push({ installmentNumber: inst.number, component: slot.component, amount: take });
      remaining -= take;
    }
  }
  invariant(sumFen(allocations.map((a) => a.amount)) + remaining === amount, 'allocation conserves the payment');
  return ok({ allocations, unapplied: remaining });
}

/** The installments a payment may touch, checked for the shape the engine relies on. */
function selectInstallments(all: readonly InstallmentState[], numbers: readonly number[] | undefined): Result<InstallmentState[], DomainError> {
  const seen = new Set<number>();
  for (const inst of all) {
    invariant(!seen.has(inst.number), `installment ${inst.number} appears twice`);
    seen.add(inst.number);
    for (const c of COMPONENTS) invariant(outstandingOf(inst, c) >= 0, `installment ${inst.number} ${c} is over-settled`);
  }
  if (!numbers) return ok([...all]);
  const unknown = numbers.filter((n) => !seen.has(n));
  if (unknown.length > 0) {
    return err(domainError('validation_failed', `no installment numbered ${unknown.join(', ')}`, 'installmentNumbers', { unknown }));
  }
  const wanted = new Set(numbers);
  return ok(all.filter((i) => wanted.has(i.number)));
}

/**
 * Returns new states with the allocations added to `paid` (or to `waived` for a waiver, 减免).
 * The inputs are not modified. Applying more than a component owes is a bug and throws.
 */
export function applyAllocations(
  installments: readonly InstallmentState[],
  allocations: readonly Allocation[],
  as: 'paid' | 'waived' = 'paid',
): InstallmentState[] {
  const next = new Map(installments.map((i) => [i.number, { ...i, paid: { ...i.paid }, waived: { ...i.waived } }]));
  for (const a of allocations) {
    const inst = next.get(a.installmentNumber);
    invariant(inst, `allocation to unknown installment ${a.installmentNumber}`);
    invariant(assertFen(a.amount) > 0, 'allocation amounts are positive');
    inst[as][a.component] += a.amount;
    invariant(outstandingOf(inst, a.component) >= 0, `installment ${a.installmentNumber} ${a.component} would be over-settled`);
  }
  return installments.map((i) => next.get(i.number)!);
}
