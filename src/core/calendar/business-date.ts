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

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** "01".."31": schedules format a date per installment, and padStart was a visible cost. */
const TWO_DIGITS = Array.from({ length: 32 }, (_, n) => String(n).padStart(2, '0'));

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Proleptic Gregorian, by arithmetic: no Date object per call (this runs once per installment). */
export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : MONTH_DAYS[month - 1]!;
}

export function splitDate(date: BusinessDate): { year: number; month: number; day: number } {
  return { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)) };
}

export function formatDate(year: number, month: number, day: number): BusinessDate {
  const y = year >= 1000 ? String(year) : String(year).padStart(4, '0');
  return `${y}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}`;
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
  // firstDue is split once and the month advanced by arithmetic; same dates as addMonthsClamped(firstDue, k, day).
  const { year, month, day: firstDay } = splitDate(firstDue);
  const day = dueDay ?? firstDay;
  const dates = new Array<BusinessDate>(terms);
  dates[0] = firstDue;
  let index = year * 12 + (month - 1);
  for (let k = 1; k < terms; k++) {
    index++;
    const y = Math.floor(index / 12);
    const m = (index % 12) + 1;
    dates[k] = formatDate(y, m, Math.min(day, daysInMonth(y, m)));
  }
  return dates;
}

/**
 * monthlyDueDates, remembered: quotes priced on one day nearly all share a first due date and a
 * few term counts, and formatting the date strings was the largest cost of a schedule. Pure
 * (the same dates for the same arguments). A fixed table of DUE_DATE_SLOTS entries, each
 * argument triple in one slot chosen by its digits, a newcomer replacing the occupant: bounded
 * and cheap when it misses too (a Map that was emptied when full made every miss 4× the cost of
 * formatting the dates afresh, by promoting its garbage to the old generation).
 * Every caller shares the arrays, hence `readonly`; they are not frozen at run time because V8
 * reads frozen arrays markedly slower (a quarter of an equal-principal schedule's time).
 */
export function sharedMonthlyDueDates(firstDue: BusinessDate, terms: number, dueDay?: number): readonly BusinessDate[] {
  // Consecutive quotes mostly repeat the last arguments: three comparisons and done.
  let entry = lastDueDates;
  if (entry.firstDue === firstDue && entry.terms === terms && entry.dueDay === dueDay) return entry.dates;
  // Any spread will do, correctness rests on the comparison below; a string that is not a date
  // gives NaN, slot 0. The day, month and year digits keep nearby dates in different slots.
  const slot = (firstDue.charCodeAt(3) * 409 + firstDue.charCodeAt(6) * 31 + firstDue.charCodeAt(8) * 10 + firstDue.charCodeAt(9)
    + terms * 7 + (dueDay ?? 0) * 13) & (DUE_DATE_SLOTS - 1);
  entry = dueDateSlots[slot]!;
  if (!(entry.firstDue === firstDue && entry.terms === terms && entry.dueDay === dueDay)) {
    entry = { firstDue, terms, dueDay, dates: monthlyDueDates(firstDue, terms, dueDay) };
    dueDateSlots[slot] = entry;
  }
  lastDueDates = entry;
  return entry.dates;
}

interface DueDatesEntry { firstDue: BusinessDate; terms: number; dueDay: number | undefined; dates: readonly BusinessDate[] }
const DUE_DATE_SLOTS = 256; // a power of two
const EMPTY_ENTRY: DueDatesEntry = { firstDue: '', terms: 0, dueDay: undefined, dates: [] };
const dueDateSlots: DueDatesEntry[] = new Array<DueDatesEntry>(DUE_DATE_SLOTS).fill(EMPTY_ENTRY);
let lastDueDates = EMPTY_ENTRY;

export function compareDates(a: BusinessDate, b: BusinessDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
