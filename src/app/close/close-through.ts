import type { BusinessDate } from '../../core/calendar/business-date.ts';
import { datesToClose } from '../../core/close/close-settings.ts';
import type { AppDeps } from '../deps.ts';
import { closeDate, type CloseDateOptions } from './close-date.ts';
import { readRun, type CloseRunRecord } from './run-record.ts';

export interface CloseThroughResult {
  /** The open business date before this call. */
  openedAt: BusinessDate;
  /** Runs for the dates this call closed (or joined), in order. */
  runs: CloseRunRecord[];
  /** The target was already closed: nothing was done; its run record, if one exists. */
  alreadyClosed: CloseRunRecord | null | undefined;
}

/**
 * `fenqi eod --date D`: closes every business date from the open one through D, in order.
 * Each date's run opens the next date when it finishes, so a crash between dates resumes at
 * the first unfinished one, and a date already closed changes nothing.
 */
export async function closeThrough(deps: AppDeps, target: BusinessDate, o: CloseDateOptions, onDate?: (date: BusinessDate) => void): Promise<CloseThroughResult> {
  const openedAt = await deps.calendar.today();
  if (target < openedAt) return { openedAt, runs: [], alreadyClosed: (await readRun(deps.db, target)) ?? null };
  const runs: CloseRunRecord[] = [];
  for (const date of datesToClose(openedAt, target)) {
    onDate?.(date);
    runs.push(await closeDate(deps, date, o));
  }
  return { openedAt, runs, alreadyClosed: undefined };
}
