import type { AppDeps } from '../../app/deps.ts';
import { loadTimelines } from '../../app/entrances/entrance-store.ts';
import { isCustomerFacing, statusAt, workingAt } from '../../core/entrances/entrance.ts';

/**
 * Is any customer-facing repayment entrance not working right now? Home asks this before it
 * asks where this customer should pay: almost always every entrance works, and then the
 * per-plan resolution (about nine queries for two plans) is skipped. The answer is shared
 * by all customers for `ttlMs` of the app's clock — so a newly closed entrance shows on home
 * within that time, while /portal/where-to-pay always answers from the live data.
 */
export function entranceWatch(deps: AppDeps, ttlMs = 10_000): () => Promise<boolean> {
  let cached: { at: number; anyDown: boolean } | null = null;
  return async () => {
    const now = deps.clock.now().getTime();
    if (cached && now >= cached.at && now < cached.at + ttlMs) return cached.anyDown;
    const timelines = await loadTimelines(deps.db);
    const anyDown = timelines.some((e) => isCustomerFacing(e.kind) && statusAt(e, now) !== null && !workingAt(e, now));
    cached = { at: now, anyDown };
    return anyDown;
  };
}
