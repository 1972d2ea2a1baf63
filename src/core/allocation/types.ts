import type { BusinessDate } from '../calendar/business-date.ts';
import type { Component } from '../ledger/accounts.ts';
import type { Fen } from '../money/fen.ts';
import type { Allocation, InstallmentState } from '../servicing/installment-state.ts';

/** One bucket a payment can fill: a component of an installment. */
export interface Slot {
  installmentNumber: number;
  component: Component;
}

/**
 * A waterfall (还款冲销顺序) is only an order of slots. The engine in allocate.ts fills
 * them, so every strategy conserves money by construction and a new strategy cannot get
 * the arithmetic wrong — it can only choose a different order.
 */
export interface AllocationStrategy {
  /** Stable code stored on products and repayments; never rename (GUIDE rule 6). */
  code: string;
  nameZh: string;
  /** Slots in the order they are filled; each (installment, component) at most once. */
  order(installments: readonly InstallmentState[], asOf: BusinessDate): Slot[];
}

export interface AllocateOptions {
  /** Repay only these installments (还某一期); money left over becomes unapplied. */
  installmentNumbers?: readonly number[];
}

export interface AllocationOutcome {
  /** In the order they were filled; amounts are positive. */
  allocations: Allocation[];
  /** Overpayment that becomes the customer's credit balance (溢缴款), never lost. */
  unapplied: Fen;
}
