import type { Fen } from '../money/fen.ts';
import type { RoundingMode } from '../money/rounding.ts';
import type { Rate } from '../money/rate.ts';
import type { BusinessDate } from '../calendar/business-date.ts';

/** One installment (期) of a schedule. total = principal + interest + fee, always. */
export interface ScheduledInstallment {
  number: number;
  dueDate: BusinessDate;
  principal: Fen;
  interest: Fen;
  fee: Fen;
  total: Fen;
  /** Principal still owed after this installment is paid. */
  remainingPrincipal: Fen;
}

/** What a pricing method needs. Rates absent from the method's `needs` are ignored. */
export interface PricingInput {
  financed: Fen;
  terms: number;
  firstDue: BusinessDate;
  /** Day of month for later due dates; defaults to firstDue's day (clamped at month end). */
  dueDay?: number;
  rounding: RoundingMode;
  annualRate?: Rate;
  monthlyFeeRate?: Rate;
  totalFeeRate?: Rate;
  /** Interest-free: the share of the financed amount the merchant pays (recorded, not charged). */
  subsidyRate?: Rate;
}

export type RateField = 'annualRate' | 'monthlyFeeRate|totalFeeRate';

export interface PricingMethod {
  /** Stable code stored on products and plans; never rename. */
  code: string;
  nameZh: string;
  /** Which rate inputs must be present. */
  needs: readonly RateField[];
  schedule(input: PricingInput): ScheduledInstallment[];
}
