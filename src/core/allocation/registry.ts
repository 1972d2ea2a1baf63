import { horizontal } from './horizontal.ts';
import { penaltyFeeInterestPrincipal } from './penalty-fee-interest-principal.ts';
import { principalFirst } from './principal-first.ts';
import type { AllocationStrategy } from './types.ts';

/** Waterfalls by stable code (GUIDE rule 6). Products and repayments store the code. */
export const ALLOCATION_STRATEGIES: ReadonlyMap<string, AllocationStrategy> = new Map(
  [penaltyFeeInterestPrincipal, principalFirst, horizontal].map((s) => [s.code, s]),
);

export const ALLOCATION_STRATEGY_CODES = [...ALLOCATION_STRATEGIES.keys()];

export const DEFAULT_ALLOCATION_STRATEGY = penaltyFeeInterestPrincipal.code;

export function allocationStrategy(code: string): AllocationStrategy | undefined {
  return ALLOCATION_STRATEGIES.get(code);
}
