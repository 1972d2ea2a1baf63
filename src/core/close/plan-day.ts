import { daysBetween, type BusinessDate } from '../calendar/business-date.ts';
import { daysPastDueOfStates, delinquencyBucket } from '../charges/delinquency.ts';
import type { LateChargeRule } from '../charges/late-charge-rule.ts';
import { lateChargeAccrualOn, lateChargesAsOf } from '../charges/late-charges.ts';
import type { PaymentRecord } from '../charges/payment-history.ts';
import type { Component } from '../ledger/accounts.ts';
import type { Fen } from '../money/fen.ts';
import { invariant } from '../result.ts';
import { outstandingOf, type InstallmentState } from '../servicing/installment-state.ts';
import type { CloseSettings } from './close-settings.ts';
import { isOverdueKind, outboxKindsFor, sendOnFor, type OutboxItem } from './outbox-rules.ts';

/** What the close already did for this plan and date (close_accruals rows), and what it may do. */
export interface PlanDayInput {
  rule: LateChargeRule;
  installments: readonly InstallmentState[];
  /** Payments and waivers of principal, interest and fee, per installment number, dated by business date. */
  history: ReadonlyMap<number, readonly PaymentRecord[]>;
  date: BusinessDate;
  settings: CloseSettings;
  incomeDone: boolean;
  chargesDone: boolean;
  /** Only the batch writes plans off; a repayment bringing a plan up to date inline never does. */
  mayWriteOff: boolean;
  /**
   * Outage protection (plan_protections): installment number → the extended due date. It
   * stands in for the due date for late charges, days past due, write-off age and overdue
   * notices; income is still earned, and reminders still sent, on the contractual date.
   */
  extendedDueDates?: ReadonlyMap<number, BusinessDate>;
}

export interface InstallmentCharge { installmentNumber: number; amount: Fen; penalty: Fen; lateFee: Fen }
export interface WriteOffLine { installmentNumber: number; component: Component; amount: Fen; earned: boolean }

export interface PlanDayOutcome {
  income: { interest: Fen; fee: Fen } | null;
  charges: InstallmentCharge[] | null;
  daysPastDue: number;
  bucket: string;
  writeOff: WriteOffLine[] | null;
  outbox: OutboxItem[];
}

/**
 * One plan, one business date: income of installments falling due that day, the day's late
 * charges, days past due and bucket, write-off, and what to queue. Pure: the same states,
 * history and date give the same outcome, which is what makes a re-run harmless.
 */
export function closePlanDay(input: PlanDayInput): PlanDayOutcome {
  const income = input.incomeDone ? null : incomeDueOn(input.installments, input.date);
  const lateness = withExtendedDueDates(input.installments, input.extendedDueDates);
  const charges = input.chargesDone ? null : chargesFor(input, lateness);
  // Today's charges are part of what is owed, but DPD ignores penalties, so it can be read now.
  const daysPastDue = daysPastDueOfStates(lateness, input.date);
  const bucket = delinquencyBucket(daysPastDue, input.settings.buckets).code;
  const writeOff = input.mayWriteOff && daysPastDue >= input.settings.writeOffDays ? writeOffLines(input.installments, charges ?? [], input.date) : null;
  const outbox = writeOff ? [] : outboxFor(input.installments, lateness, input.date);
  return { income, charges, daysPastDue, bucket, writeOff, outbox };
}

/**
 * The installments as lateness sees them: a protected one is due on its extended date. The
 * platform's outage is the platform's cost, so the customer is late only from that date.
 */
export function withExtendedDueDates(installments: readonly InstallmentState[], extended: ReadonlyMap<number, BusinessDate> | undefined): readonly InstallmentState[] {
  if (!extended || extended.size === 0) return installments;
  return installments.map((i) => {
    const to = extended.get(i.number);
    return to && to > i.dueDate ? { ...i, dueDate: to } : i;
  });
}

/** Contractual interest and fee are earned on the due date: what the schedule asked, less what was waived before. */
export function incomeDueOn(installments: readonly InstallmentState[], date: BusinessDate): { interest: Fen; fee: Fen } | null {
  let interest = 0, fee = 0;
  for (const i of installments) {
    if (i.dueDate !== date) continue;
    interest += i.interest - i.waived.interest;
    fee += i.fee - i.waived.fee;
  }
  return interest + fee > 0 ? { interest, fee } : null;
}

/**
 * The day's late charge per installment is lateChargeAccrualOn; what is posted is the
 * difference between everything the rule says is owed through today (lateChargesAsOf) and
 * what was already charged (penalty_fen). The two agree on every ordinary day (the rule's
 * property test); they differ only when history changed behind the close — a reversal of a
 * payment that had met grace, a plan that errored on an earlier day — and then the plan
 * ends with exactly what the rule says instead of missing those days or charging twice.
 */
function chargesFor(input: PlanDayInput, lateness: readonly InstallmentState[]): InstallmentCharge[] {
  const out: InstallmentCharge[] = [];
  for (const i of lateness) {
    if (i.dueDate >= input.date) continue;
    const inst = { dueDate: i.dueDate, principal: i.principal, interest: i.interest, fee: i.fee };
    const history = input.history.get(i.number) ?? [];
    const owedThroughToday = lateChargesAsOf(input.rule, inst, history, input.date).total;
    const amount = owedThroughToday - i.penalty;
    if (amount <= 0) continue;
    const day = lateChargeAccrualOn(input.rule, inst, history, input.date);
    const lateFee = Math.min(day.lateFee, amount);
    out.push({ installmentNumber: i.number, amount, penalty: amount - lateFee, lateFee });
  }
  return out;
}

/**
 * Everything still outstanding, with today's charges included. Interest and fee of
 * installments due on or before the date were earned; later ones never were, and go back
 * against unearned income instead of to the write-off expense.
 */
function writeOffLines(installments: readonly InstallmentState[], charges: readonly InstallmentCharge[], date: BusinessDate): WriteOffLine[] {
  const lines: WriteOffLine[] = [];
  for (const i of installments) {
    const charged = charges.find((c) => c.installmentNumber === i.number)?.amount ?? 0;
    for (const component of ['principal', 'interest', 'fee', 'penalty'] as const) {
      const amount = outstandingOf(i, component) + (component === 'penalty' ? charged : 0);
      invariant(amount >= 0, `installment ${i.number} ${component} outstanding is negative`);
      if (amount > 0) lines.push({ installmentNumber: i.number, component, amount, earned: i.dueDate <= date });
    }
  }
  return lines;
}

/** Reminders and auto-debits follow the contractual due date; overdue notices follow the date lateness is counted from. */
function outboxFor(installments: readonly InstallmentState[], lateness: readonly InstallmentState[], date: BusinessDate): OutboxItem[] {
  const sendOn = sendOnFor(date);
  const items: OutboxItem[] = [];
  installments.forEach((i, k) => {
    const owed = outstandingOf(i, 'principal') + outstandingOf(i, 'interest') + outstandingOf(i, 'fee');
    if (owed <= 0) return;
    const late = lateness[k]!;
    for (const kind of outboxKindsFor(daysBetween(i.dueDate, sendOn))) if (!isOverdueKind(kind)) items.push({ installmentNumber: i.number, kind });
    for (const kind of outboxKindsFor(daysBetween(late.dueDate, sendOn))) if (isOverdueKind(kind)) items.push({ installmentNumber: i.number, kind });
  });
  return items;
}
