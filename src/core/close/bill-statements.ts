import { addMonthsClamped, type BusinessDate } from '../calendar/business-date.ts';
import { dueDateForStatement } from '../calendar/billing-cycle.ts';

/** A customer's billing cycle whose statement is made on a given date, and the due date of that bill. */
export interface StatementCycle { statementDay: number; dueDay: number; dueDate: BusinessDate }

const DAYS = Array.from({ length: 31 }, (_, k) => k + 1);

/**
 * Every (statement day, due day) whose bill is made on `statementDate`, with the bill's due
 * date. A statement day past the month's end is made on its last day (the 31st in February
 * is the 28th or 29th), as billing-cycle.ts clamps it; so at a month's end several
 * statement days meet on one date. The set is small (at most 4 × 31) and lets the close find
 * the day's bills with one indexed pass over installments instead of a scan of customers.
 */
export function cyclesWithStatementOn(statementDate: BusinessDate): StatementCycle[] {
  const out: StatementCycle[] = [];
  for (const statementDay of DAYS) {
    if (addMonthsClamped(statementDate, 0, statementDay) !== statementDate) continue;
    for (const dueDay of DAYS) out.push({ statementDay, dueDay, dueDate: dueDateForStatement(statementDate, statementDay, dueDay) });
  }
  return out;
}
