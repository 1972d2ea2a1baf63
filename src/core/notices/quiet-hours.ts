import { addDays, toEpochDay } from '../calendar/business-date.ts';
import { shanghaiDateOf, shanghaiMinuteOfDay } from '../calendar/shanghai.ts';
import { domainError, type DomainError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';

/**
 * SMS quiet hours in Asia/Shanghai (default 21:00–08:00): an SMS that falls due inside them
 * waits for their end. The start is inside the window, the end is not: at 21:00:00 it is
 * quiet, at 08:00:00 it is not. A window may cross midnight (21:00–08:00) or not (13:00–14:00).
 */
export interface QuietHours { startMinute: number; endMinute: number }

export const DEFAULT_QUIET_HOURS: QuietHours = { startMinute: 21 * 60, endMinute: 8 * 60 };

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** "21:00-08:00" → the window; "off" → none. */
export function parseQuietHours(text: string): Result<QuietHours | null, DomainError> {
  if (text.trim().toLowerCase() === 'off') return ok(null);
  const [from, to, extra] = text.split('-').map((s) => s.trim());
  const a = HHMM.exec(from ?? '');
  const b = HHMM.exec(to ?? '');
  if (!a || !b || extra !== undefined) return err(domainError('validation_failed', `quiet hours must look like "21:00-08:00" or "off"; got "${text}"`, 'quietHours'));
  const window = { startMinute: Number(a[1]) * 60 + Number(a[2]), endMinute: Number(b[1]) * 60 + Number(b[2]) };
  return window.startMinute === window.endMinute ? ok(null) : ok(window);
}

export function isQuiet(at: Date, quiet: QuietHours): boolean {
  const m = minuteOf(at);
  return quiet.startMinute < quiet.endMinute
    ? m >= quiet.startMinute && m < quiet.endMinute
    : m >= quiet.startMinute || m < quiet.endMinute;
}

/** The earliest instant at or after `at` outside the quiet hours: `at` itself, or the window's end. */
export function nextSendableAt(at: Date, quiet: QuietHours | null): Date {
  if (!quiet || !isQuiet(at, quiet)) return at;
  const today = shanghaiDateOf(at);
  // The evening part of a window crossing midnight ends on the next calendar day.
  const endsTomorrow = quiet.startMinute > quiet.endMinute && minuteOf(at) >= quiet.startMinute;
  return shanghaiInstant(endsTomorrow ? addDays(today, 1) : today, quiet.endMinute);
}

/** Minute of the day in Shanghai, with seconds: 20:59:59.5 is still minute 1259, never rounded into 21:00. */
const minuteOf = (at: Date): number => shanghaiMinuteOfDay(at);

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
function shanghaiInstant(date: string, minute: number): Date {
  return new Date(toEpochDay(date) * 86_400_000 + minute * 60_000 - SHANGHAI_OFFSET_MS);
}
