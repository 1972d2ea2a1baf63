import type { BusinessDate } from '../calendar/business-date.ts';
import type { Fen } from '../money/fen.ts';
import type { AccountFacts } from './account-facts.ts';
import { positionAsOf, type ReportStatus } from './account-as-of.ts';
import { paymentHistory } from './payment-history.ts';
import type { ReportMonth } from './report-month.ts';

/** One account in one month's report: what the bureau would be told. */
export interface CreditReportLine {
  accountId: string;
  customerRef: string;
  phoneMasked: string | null;
  openDate: BusinessDate;
  loan: Fen;
  creditLine: Fen;
  balance: Fen;
  amountDue: Fen;
  amountOverdue: Fen;
  daysPastDue: number;
  status: ReportStatus;
  paymentHistory: string;
}

/** The line for this account and month, or null when the account is not reported that month. */
export function reportLine(facts: AccountFacts, month: ReportMonth): CreditReportLine | null {
  const p = positionAsOf(facts, month);
  if (!p) return null;
  return {
    accountId: facts.planId, customerRef: facts.customerRef, phoneMasked: facts.phoneMasked, openDate: facts.openDate,
    loan: facts.loan, creditLine: facts.creditLine, balance: p.balance, amountDue: p.amountDue, amountOverdue: p.amountOverdue,
    daysPastDue: p.daysPastDue, status: p.status, paymentHistory: paymentHistory(facts, month),
  };
}

/** Reported fields in file order, with their names in the file. The account id is the key, not a field that can change. */
export const REPORTED_FIELDS = [
  ['customerRef', 'customer_ref'], ['phoneMasked', 'phone_masked'], ['openDate', 'open_date'], ['loan', 'loan_amount'],
  ['creditLine', 'credit_line'], ['balance', 'balance'], ['amountDue', 'amount_due'], ['amountOverdue', 'amount_overdue'],
  ['daysPastDue', 'days_past_due'], ['status', 'status'], ['paymentHistory', 'payment_history_24m'],
] as const satisfies readonly (readonly [keyof CreditReportLine, string])[];

/** The file names of the fields that differ between what was reported and what is true now; empty when nothing changed. */
export function changedFields(reported: CreditReportLine, now: CreditReportLine): string[] {
  return REPORTED_FIELDS.filter(([key]) => reported[key] !== now[key]).map(([, name]) => name);
}
