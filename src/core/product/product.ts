import type { RoundingMode } from '../money/rounding.ts';
import type { Rate } from '../money/rate.ts';

/**
 * A product is what a merchant may offer: a pricing method and its terms, plus the servicing
 * rules (grace, late charges, allocation, early payoff) every plan made from it carries.
 * Products are versioned: editing one writes a new version, and a plan records the version
 * it was made from along with a full copy of the terms, so it can always be recomputed.
 */
export interface ProductTerms {
  code: string;
  name: string;
  method: string;
  terms: number;
  annualRate?: Rate;
  monthlyFeeRate?: Rate;
  totalFeeRate?: Rate;
  subsidyRate?: Rate;
  rounding: RoundingMode;
  graceDays: number;
  /** A late-charge rule as data (core/charges); stored as JSON. */
  lateChargeRule: Record<string, unknown>;
  /** Allocation waterfall strategy code (core/allocation). */
  allocationStrategy: string;
  /** Early-payoff policy as data (core/payoff); stored as JSON. */
  payoffPolicy: Record<string, unknown>;
  aprCap: Rate;
}
