import { daysInMonth, formatDate, splitDate, type BusinessDate } from '../calendar/business-date.ts';
import { domainError, type DomainError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';

/** A reporting month: "2026-01", its first day and its last day (the as-of business date). */
export interface ReportMonth { month: string; start: BusinessDate; end: BusinessDate }

const MONTH = /^(\d{4})-(\d{2})$/;

export function reportMonth(year: number, month: number): ReportMonth {
  return { month: formatDate(year, month, 1).slice(0, 7), start: formatDate(year, month, 1), end: formatDate(year, month, daysInMonth(year, month)) };
}

export function parseReportMonth(input: unknown, field = 'month'): Result<ReportMonth, DomainError> {
  const m = typeof input === 'string' ? MONTH.exec(input) : null;
  const y = Number(m?.[1]), mo = Number(m?.[2]);
  if (!m || y < 1900 || y > 2999 || mo < 1 || mo > 12) return err(domainError('date_invalid', `${field} must be a month YYYY-MM; got "${String(input)}"`, field));
  return ok(reportMonth(y, mo));
}

export function monthOf(date: BusinessDate): ReportMonth {
  const { year, month } = splitDate(date);
  return reportMonth(year, month);
}

/** The month `back` months before this one (back = 0 is the month itself). */
export function monthsBack(m: ReportMonth, back: number): ReportMonth {
  const { year, month } = splitDate(m.start);
  const index = year * 12 + (month - 1) - back;
  return reportMonth(Math.floor(index / 12), (index % 12) + 1);
}

export const isMonthEnd = (date: BusinessDate): boolean => monthOf(date).end === date;
