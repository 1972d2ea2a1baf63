import { addDays, type BusinessDate } from '../calendar/business-date.ts';
import { shanghaiDateOf, shanghaiMinuteOfDay } from '../calendar/shanghai.ts';

/** "HH:MM" in Asia/Shanghai → minutes after midnight, or null when it is not a time of day. */
export function parseEodAt(value: string): number | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/**
 * The date the scheduled close should close through at `now`, or null when there is nothing
 * to do: once the configured minute has passed in Shanghai, every business date before
 * today's (Shanghai) date is due, from the open one on. Before that minute, yesterday is
 * left alone (late payments of the evening are still arriving). Pure: the caller brings the
 * clock.
 */
export function eodTarget(now: Date, atMinute: number, openDate: BusinessDate): BusinessDate | null {
  const today = shanghaiDateOf(now);
  const target = addDays(today, shanghaiMinuteOfDay(now) >= atMinute ? -1 : -2);
  return openDate <= target ? target : null;
}
