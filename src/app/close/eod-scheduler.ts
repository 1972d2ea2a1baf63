import type { BusinessDate } from '../../core/calendar/business-date.ts';
import { eodTarget } from '../../core/close/eod-schedule.ts';
import type { AppDeps } from '../deps.ts';
import type { CloseDateOptions } from './close-date.ts';
import { closeThrough, type CloseThroughResult } from './close-through.ts';

export interface EodSchedule { atMinute: number; options: CloseDateOptions }

/**
 * One look at the injected clock: closes every business date before today's once the
 * configured minute has passed in Shanghai. Another process already closing a date (an
 * operator's `fenqi eod`, a second server) is joined through the run's partitions, never
 * duplicated; a tick while this process's previous one is still running does nothing.
 */
export function eodTicker(deps: AppDeps, s: EodSchedule): () => Promise<CloseThroughResult | null> {
  let running: Promise<CloseThroughResult | null> | null = null;
  return () => {
    if (running) return Promise.resolve(null);
    running = (async () => {
      const target: BusinessDate | null = eodTarget(deps.clock.now(), s.atMinute, await deps.calendar.today());
      return target ? closeThrough(deps, target, s.options) : null;
    })().finally(() => { running = null; });
    return running;
  };
}

/** The scheduler inside `fenqi serve`: a tick a minute; errors are logged and retried at the next tick. */
export function startEodScheduler(deps: AppDeps, s: EodSchedule, intervalMs = 60_000): () => Promise<void> {
  const tick = eodTicker(deps, s);
  let current: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    current = tick().then((r) => { if (r?.runs.length) deps.log(`eod: closed ${r.runs.map((x) => x.businessDate).join(', ')}`); })
      .catch((e) => deps.log(`eod: scheduled close failed, retrying next minute: ${(e as Error).message}`));
  }, intervalMs);
  timer.unref();
  return async () => { clearInterval(timer); await current; };
}
