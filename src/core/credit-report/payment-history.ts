import type { AccountFacts } from './account-facts.ts';
import { positionAsOf } from './account-as-of.ts';
import { monthsBack, type ReportMonth } from './report-month.ts';

export const HISTORY_MONTHS = 24;

/**
 * The 24-month repayment status string (24个月还款状态), oldest month first, the reported
 * month last, in the symbols the PBOC credit report uses:
 *   /  not open that month (or already closed)      *  nothing due and nothing overdue
 *   N  due and paid on time                         1..7  overdue 1–30, 31–60, ... 181+ days
 *   C  closed (paid off, cancelled, refunded)       B  written off (呆账)
 * Every month is recomputed from today's facts, so a correction to an old month changes the
 * strings of the months after it too, and those show up as corrections when re-run.
 */
export function paymentHistory(facts: AccountFacts, month: ReportMonth): string {
  let out = '';
  for (let back = HISTORY_MONTHS - 1; back >= 0; back--) out += symbolFor(facts, monthsBack(month, back));
  return out;
}

function symbolFor(facts: AccountFacts, month: ReportMonth): string {
  const p = positionAsOf(facts, month);
  if (!p) return '/';
  if (p.status === 'written_off') return 'B';
  if (p.status === 'paid_off' || p.status === 'cancelled' || p.status === 'refunded') return 'C';
  if (p.daysPastDue > 0) return String(Math.min(7, Math.ceil(p.daysPastDue / 30)));
  return p.amountDue > 0 ? 'N' : '*';
}
