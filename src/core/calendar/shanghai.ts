import type { BusinessDate } from './business-date.ts';

/**
 * The calendar date in Asia/Shanghai at an instant. China has had no daylight saving since
 * 1991, so a fixed +08:00 offset is exact for every date this system handles.
 */
export function shanghaiDateOf(instant: Date): BusinessDate {
  return new Date(instant.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** Minutes since midnight in Asia/Shanghai at an instant (for quiet hours and ladders). */
export function shanghaiMinuteOfDay(instant: Date): number {
  const shifted = new Date(instant.getTime() + 8 * 3_600_000);
  return shifted.getUTCHours() * 60 + shifted.getUTCMinutes();
}
