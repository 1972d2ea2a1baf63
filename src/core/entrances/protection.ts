import { addDays, type BusinessDate } from '../calendar/business-date.ts';
import { domainError, type DomainError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';
import { isCustomerFacing, servesPlan, statusAt, workingAt, type EntranceTimeline, type PlanClass } from './entrance.ts';
import { resolveFor } from './resolve.ts';

/**
 * Outage protection (平台故障保护): a platform-side failure must never become a customer's
 * late fee. Three causes protect a plan's due dates:
 *  - outage: on a business day, the entrances serving the plan were all unavailable for longer
 *    than the threshold in total (computed from the recorded status history and maintenance);
 *  - entrance_moved: the entrance the customer paid at yesterday no longer takes their payment
 *    today (it closed, or the plan moved to a partner it does not serve) — the seed's story;
 *  - incident: an operator declared one for a set of plans.
 * Each cause is a window of business dates. An installment is protected when the window
 * meets the days on which paying it on time mattered (its due date through the end of its
 * grace period); its due date is extended to the window's end (or the due date, if later)
 * plus extensionDays. The close charges nothing and reports nothing overdue until then.
 */
export interface ProtectionSettings { outageThresholdMinutes: number; extensionDays: number; movedGraceDays: number }
export const DEFAULT_PROTECTION_SETTINGS: ProtectionSettings = { outageThresholdMinutes: 120, extensionDays: 7, movedGraceDays: 7 };

export function parseProtectionSettings(input: Partial<Record<keyof ProtectionSettings, unknown>>): Result<ProtectionSettings, DomainError> {
  const out = { ...DEFAULT_PROTECTION_SETTINGS };
  const limits: Record<keyof ProtectionSettings, [number, number]> = { outageThresholdMinutes: [1, 1440], extensionDays: [1, 60], movedGraceDays: [0, 60] };
  for (const key of Object.keys(limits) as (keyof ProtectionSettings)[]) {
    const v = input[key];
    if (v === undefined) continue;
    const [min, max] = limits[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) return err(domainError('validation_failed', `${key} must be a whole number from ${min} to ${max}`, key));
    out[key] = v;
  }
  return ok(out);
}

export interface DateWindow { from: BusinessDate; to: BusinessDate }

/** The window meets [due date, due date + grace]: the days the customer needed an entrance for this installment. */
export const windowCovers = (dueDate: BusinessDate, graceDays: number, w: DateWindow): boolean => w.from <= addDays(dueDate, graceDays) && dueDate <= w.to;

export const extendedDueDate = (dueDate: BusinessDate, w: DateWindow, s: ProtectionSettings): BusinessDate =>
  addDays(dueDate > w.to ? dueDate : w.to, s.extensionDays);

/** The earliest due date a window can protect, given the longest grace period in play. */
export const earliestDueCovered = (w: DateWindow, maxGraceDays: number): BusinessDate => addDays(w.from, -maxGraceDays);

const DAY_MS = 86_400_000;
/** A business day is a calendar day in Asia/Shanghai (UTC+8, no daylight saving). */
export const dayStartMs = (date: BusinessDate): number => Date.parse(`${date}T00:00:00+08:00`);
export const dayBounds = (date: BusinessDate) => ({ from: dayStartMs(date), to: dayStartMs(date) + DAY_MS });

/** Milliseconds in [from, to) during which none of the entrances worked: a sweep over their change points. */
export function uncoveredMs(entrances: readonly EntranceTimeline[], from: number, to: number): number {
  const points = new Set<number>([from, to]);
  for (const e of entrances) {
    for (const c of e.changes) if (c.at > from && c.at < to) points.add(c.at);
    for (const w of e.maintenance) for (const t of [w.from, w.to]) if (t > from && t < to) points.add(t);
  }
  const sorted = [...points].sort((a, b) => a - b);
  let uncovered = 0;
  for (let i = 0; i + 1 < sorted.length; i++) {
    const start = sorted[i]!;
    if (!entrances.some((e) => workingAt(e, start))) uncovered += sorted[i + 1]! - start;
  }
  return uncovered;
}

/** Entrances a customer could have opened for this plan (those that existed at some point that day). */
const servingOn = (entrances: readonly EntranceTimeline[], plan: PlanClass, end: number) =>
  entrances.filter((e) => isCustomerFacing(e.kind) && servesPlan(e.serves, plan) && e.changes.length > 0 && e.changes[0]!.at < end);

export interface DayOutage { outage: boolean; uncoveredMinutes: number }

export function dayOutage(entrances: readonly EntranceTimeline[], plan: PlanClass, date: BusinessDate, s: ProtectionSettings): DayOutage {
  const { from, to } = dayBounds(date);
  const minutes = Math.floor(uncoveredMs(servingOn(entrances, plan, to), from, to) / 60_000);
  return { outage: minutes > s.outageThresholdMinutes, uncoveredMinutes: minutes };
}

/**
 * entrance_moved on `date`: where the plan's customer paid at the end of the day before (under
 * yesterday's owners) no longer takes their payment at the end of this day (closed, or not
 * serving today's owners). Maintenance is left to the outage rule. Returns the lost entrance.
 */
export function movedEntrance(entrances: readonly EntranceTimeline[], before: PlanClass, now: PlanClass, date: BusinessDate): EntranceTimeline | null {
  const { from, to } = dayBounds(date);
  const previous = resolveFor(entrances, before, from - 1).entrance;
  if (!previous) return null;
  const stillThere = statusAt(previous, to - 1) !== 'closed' && servesPlan(previous.serves, now);
  return stillThere ? null : previous;
}
