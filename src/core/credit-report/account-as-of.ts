import { daysBetween, type BusinessDate } from '../calendar/business-date.ts';
import type { PaymentRecord } from '../charges/payment-history.ts';
import type { Fen } from '../money/fen.ts';
import type { AccountFacts, ScheduledInstallment } from './account-facts.ts';
import type { ReportMonth } from './report-month.ts';

export const REPORT_STATUSES = ['normal', 'overdue', 'paid_off', 'cancelled', 'refunded', 'written_off', 'restructured'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** An account's position at the end of a month. */
export interface AccountPosition {
  status: ReportStatus;
  /** Principal still owed. */
  balance: Fen;
  /** Principal, interest and fee of installments falling due in the month, as scheduled less what was waived (本月应还款). */
  amountDue: Fen;
  /** Principal, interest and fee still owed on installments past their (protected) due date. */
  amountOverdue: Fen;
  daysPastDue: number;
}

const CLOSED: ReadonlySet<string> = new Set(['paid_off', 'cancelled', 'refunded', 'written_off']);

/** The schedule in force at the end of `asOf`: the first one replaced after that day, or the current one. */
export function scheduleAsOf(facts: AccountFacts, asOf: BusinessDate): readonly ScheduledInstallment[] {
  return facts.replaced.find((r) => r.replacedOn > asOf)?.installments ?? facts.schedule;
}

/** Closed on or before the date (a reversal that re-opened a plan clears closedOn, so it counts as open again). */
export const closedBy = (facts: AccountFacts, asOf: BusinessDate): boolean =>
  CLOSED.has(facts.status) && facts.closedOn !== null && facts.closedOn <= asOf;

/**
 * Where the account stood at the end of the month, or null when it is not reported that
 * month: not yet opened, or closed in an earlier month (an account is reported in the month
 * it closes, then no more). Days past due count from the due date — or from the extended
 * due date of an outage protection, which is what keeps a protected customer from ever
 * being reported overdue for the window. Penalties are not amounts overdue here, for the
 * same reason they do not make a plan past due in the close (core/charges/delinquency.ts).
 */
export function positionAsOf(facts: AccountFacts, month: ReportMonth): AccountPosition | null {
  const asOf = month.end;
  if (facts.openDate > asOf) return null;
  const closed = closedBy(facts, asOf);
  if (closed && facts.closedOn! < month.start) return null;
  let balance = 0, amountDue = 0, amountOverdue = 0, daysPastDue = 0;
  for (const inst of scheduleAsOf(facts, asOf)) {
    const waived = sumAsOf(facts.waived.get(inst.number), asOf);
    const paid = sumAsOf(facts.paid.get(inst.number), asOf);
    const owed = { principal: floor(inst.principal - waived.principal - paid.principal), interest: floor(inst.interest - waived.interest - paid.interest), fee: floor(inst.fee - waived.fee - paid.fee) };
    balance += owed.principal;
    if (inst.dueDate >= month.start && inst.dueDate <= asOf) {
      amountDue += floor(inst.principal - waived.principal) + floor(inst.interest - waived.interest) + floor(inst.fee - waived.fee);
    }
    const due = facts.extendedDue.get(inst.number) ?? inst.dueDate;
    const unpaid = owed.principal + owed.interest + owed.fee;
    if (due < asOf && unpaid > 0) {
      amountOverdue += unpaid;
      daysPastDue = Math.max(daysPastDue, daysBetween(due, asOf));
    }
  }
  const status: ReportStatus = closed ? facts.status as ReportStatus
    : facts.restructuredOn !== null && facts.restructuredOn <= asOf ? 'restructured'
    : daysPastDue > 0 ? 'overdue' : 'normal';
  return { status, balance, amountDue, amountOverdue, daysPastDue };
}

function sumAsOf(records: readonly PaymentRecord[] | undefined, asOf: BusinessDate) {
  const sum = { principal: 0, interest: 0, fee: 0 };
  for (const r of records ?? []) {
    if (r.date > asOf) continue;
    sum.principal += r.principal ?? 0;
    sum.interest += r.interest ?? 0;
    sum.fee += r.fee ?? 0;
  }
  return sum;
}

/**
 * Floored at zero: a schedule replaced later can be smaller than what an earlier one had
 * collected, and an account in a credit report must never show a negative debt.
 */
const floor = (fen: Fen): Fen => Math.max(0, fen);
