import type { BusinessDate } from '../calendar/business-date.ts';
import type { PaymentRecord } from '../charges/payment-history.ts';
import type { Fen } from '../money/fen.ts';

/** What one installment of a schedule asked for (penalties are not part of a schedule). */
export interface ScheduledInstallment { number: number; dueDate: BusinessDate; principal: Fen; interest: Fen; fee: Fen }

/** A schedule that was in force until a re-amortisation (a partial return, a hardship plan) replaced it on `replacedOn`. */
export interface ReplacedSchedule { replacedOn: BusinessDate; installments: readonly ScheduledInstallment[] }

export type PlanStatus = 'pending' | 'active' | 'paid_off' | 'cancelled' | 'refunded' | 'written_off';

/**
 * Everything the report needs about one plan, as facts known now. The report for a past
 * month is recomputed from these — payments and waivers by business date, schedules by the
 * date they were replaced — so a fact that changed afterwards (a reversal, a payment posted
 * late, a protection declared later) shows up as a correction and nothing else does.
 */
export interface AccountFacts {
  planId: string;
  /** Where the stored line lives (keyed by customer); never written to a file. */
  customerId: string;
  /** Keyed hash of the customer id: stable across runs, meaningless outside this deployment. */
  customerRef: string;
  phoneMasked: string | null;
  openDate: BusinessDate;
  loan: Fen;
  creditLine: Fen;
  status: PlanStatus;
  closedOn: BusinessDate | null;
  /** The schedule in force now. */
  schedule: readonly ScheduledInstallment[];
  /** Earlier schedules, oldest first. */
  replaced: readonly ReplacedSchedule[];
  /** Principal, interest and fee paid per installment number, by business date: posted repayments only (a reversed one never happened, for a report). */
  paid: ReadonlyMap<number, readonly PaymentRecord[]>;
  /**
   * Principal, interest and fee forgiven or moved elsewhere per installment number, by
   * business date: waivers still standing (a payoff's future interest, a return, a hardship
   * plan moving arrears to new installments). Write-offs are left out: a write-off is the
   * lender's accounting, the customer still owes the money.
   */
  waived: ReadonlyMap<number, readonly PaymentRecord[]>;
  /** Outage protection: installment number → extended due date (the latest of its protections). */
  extendedDue: ReadonlyMap<number, BusinessDate>;
  /** The business date an accepted hardship plan (协商还款) took effect, if any. */
  restructuredOn: BusinessDate | null;
}
