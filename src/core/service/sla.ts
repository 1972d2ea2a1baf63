import { CATEGORY_RULES, type TicketCategory } from './categories.ts';

const MINUTE_MS = 60_000;

export interface SlaDue { firstResponseDueAt: Date; resolutionDueAt: Date }

/** When the first staff response and the resolution are due, from when the ticket was opened. */
export function slaDue(category: TicketCategory, openedAt: Date): SlaDue {
  const rule = CATEGORY_RULES[category];
  return {
    firstResponseDueAt: new Date(openedAt.getTime() + rule.firstResponseMinutes * MINUTE_MS),
    resolutionDueAt: new Date(openedAt.getTime() + rule.resolutionMinutes * MINUTE_MS),
  };
}

export interface SlaClock extends SlaDue { firstResponseAt: Date | null; resolvedAt: Date | null }
export interface SlaState { firstResponseBreached: boolean; resolutionBreached: boolean; breached: boolean }

/**
 * A timer is breached when its event came after the due time, or has not come and the due
 * time has passed. `now` is the injected clock's, so tests and replays see the same answer.
 * A breach stays a breach once resolved: the record must show the customer waited too long.
 */
export function slaState(c: SlaClock, now: Date): SlaState {
  const late = (due: Date, at: Date | null) => (at ? at.getTime() > due.getTime() : now.getTime() > due.getTime());
  const firstResponseBreached = late(c.firstResponseDueAt, c.firstResponseAt);
  const resolutionBreached = late(c.resolutionDueAt, c.resolvedAt);
  return { firstResponseBreached, resolutionBreached, breached: firstResponseBreached || resolutionBreached };
}
