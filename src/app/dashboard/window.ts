import { addDays, daysInMonth, formatDate, splitDate, type BusinessDate } from '../../core/calendar/business-date.ts';

/** The period a dashboard looks at: daily charts over `days`, monthly ones over `months`, both ending on `today` (the business date). */
export interface DashboardWindow { today: BusinessDate; days: number; months: number }

export const firstDay = (w: DashboardWindow): BusinessDate => addDays(w.today, -(w.days - 1));

/** The first day of the month `back` months before today's. */
export function monthStart(today: BusinessDate, back: number): BusinessDate {
  const { year, month } = splitDate(today);
  const index = year * 12 + (month - 1) - back;
  return formatDate(Math.floor(index / 12), (index % 12) + 1, 1);
}

/** The last day of the month that starts on `start`, or today when that is earlier (a month still running is observed as of today). */
export function monthEndOrToday(start: BusinessDate, today: BusinessDate): BusinessDate {
  const { year, month } = splitDate(start);
  const end = formatDate(year, month, daysInMonth(year, month));
  return end < today ? end : today;
}

/** Observation dates for monthly charts: each month's end over the window, oldest first, the current month as of today. */
export function monthEnds(w: DashboardWindow): { month: string; at: BusinessDate }[] {
  const out: { month: string; at: BusinessDate }[] = [];
  for (let back = w.months - 1; back >= 0; back -= 1) {
    const start = monthStart(w.today, back);
    out.push({ month: start.slice(0, 7), at: monthEndOrToday(start, w.today) });
  }
  return out;
}
