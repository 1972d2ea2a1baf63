import { equalInstallment } from './equal-installment.ts';
import { equalPrincipal } from './equal-principal.ts';
import { feePerPeriod } from './fee-per-period.ts';
import { interestFree } from './interest-free.ts';
import { interestOnly } from './interest-only.ts';
import type { PricingMethod } from './types.ts';

/** Pricing methods by stable code (GUIDE rule 6). Products and plans store the code. */
export const PRICING_METHODS: ReadonlyMap<string, PricingMethod> = new Map(
  [equalInstallment, equalPrincipal, feePerPeriod, interestFree, interestOnly].map((m) => [m.code, m]),
);

export const PRICING_METHOD_CODES = [...PRICING_METHODS.keys()];

export function pricingMethod(code: string): PricingMethod | undefined {
  return PRICING_METHODS.get(code);
}
