import { err, ok, type Result } from '../result.ts';
import { domainError, type DomainError } from '../errors.ts';

/**
 * A business date is a calendar date in Asia/Shanghai, written YYYY-MM-DD. It is not an
 * instant: the core does date arithmetic on the proleptic Gregorian calendar in UTC so no
 * time zone or daylight rule can shift a due date.
 */
export type BusinessDate = string;

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

export function parseBusinessDate(input: unknown, field = 'date'): Result<BusinessDate, DomainError> {
  if (typeof input !== 'string') return err(domainError('date_invalid', `${field} must be a date YYYY-MM-DD`, field));
  const m = ISO.exec(input);
  if (!m) return err(domainError('date_invalid', `${field} must be a date YYYY-MM-DD; got "${input}"`, field));
  const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
  if (y < 1900 || y > 2999 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) {
    return err(domainError('date_invalid', `${field} is not a real calendar date: "${input}"`, field));
  }
  return ok(input);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function splitDate(date: BusinessDate): { year: number; month: number; day: number } {
  return { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)) };
}

export function formatDate(year: number, month: number, day: number): BusinessDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function toEpochDay(date: BusinessDate): number {
  const { year, month, day } = splitDate(date);
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

export function fromEpochDay(epochDay: number): BusinessDate {
  const d = new Date(epochDay * DAY_MS);
  return formatDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

export function addDays(date: BusinessDate, days: number): BusinessDate {
  return fromEpochDay(toEpochDay(date) + days);
}

/** Whole days from a to b (positive when b is later). */
export function daysBetween(a: BusinessDate, b: BusinessDate): number {
  return toEpochDay(b) - toEpochDay(a);
}

/**
 * The date `months` months after the anchor's month, on `day` clamped to that month's end.
 * The day is kept separately from the previous due date, so 01-31 → 02-28 → 03-31 (not 03-28).
 */
export function addMonthsClamped(anchor: BusinessDate, months: number, day: number): BusinessDate {
  const { year, month } = splitDate(anchor);
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return formatDate(y, m, Math.min(day, daysInMonth(y, m)));
}

/** Due dates for n monthly installments: the first on firstDue, then the same day each month. */
export function monthlyDueDates(firstDue: BusinessDate, terms: number, dueDay?: number): BusinessDate[] {
  const day = dueDay ?? splitDate(firstDue).day;
  const dates: BusinessDate[] = [];
  for (let k = 0; k < terms; k++) dates.push(k === 0 ? firstDue : addMonthsClamped(firstDue, k, day));
  return dates;
}

export function compareDates(a: BusinessDate, b: BusinessDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
