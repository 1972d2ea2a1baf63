/**
 * Repayment entrances (还款入口): every place a customer can repay. The seed's customers
 * became overdue because the one entrance they knew closed and nothing told them where to
 * go; here each entrance's status is recorded over time (so availability on any past day can
 * be computed, not remembered), and each declares which plans it serves, so a working
 * alternative can always be found.
 *
 * Instants are epoch milliseconds passed in by the caller: the core never reads the clock.
 */
export const ENTRANCE_KINDS = ['fenqi_portal', 'store_app', 'partner_app', 'bank_transfer', 'auto_debit'] as const;
export type EntranceKind = (typeof ENTRANCE_KINDS)[number];
export const ENTRANCE_STATUSES = ['open', 'degraded', 'closed'] as const;
export type EntranceStatus = (typeof ENTRANCE_STATUSES)[number];

/** Which plans an entrance serves: each non-empty list must match the plan; all empty serves every plan. */
export interface Serves { partnerIds: string[]; productIds: string[]; merchantIds: string[] }

/** What decides which entrances serve a plan: its funding partners on the day, its product and its merchant. */
export interface PlanClass { partnerIds: readonly string[]; productId: string; merchantId: string }

export interface StatusChange { status: EntranceStatus; at: number }
export interface TimeWindow { from: number; to: number }

export interface EntranceTimeline {
  code: string;
  kind: EntranceKind;
  name: string;
  url: string;
  priority: number;
  serves: Serves;
  successorCode: string | null;
  /** Every status change, oldest first; the first is the entrance's creation. */
  changes: readonly StatusChange[];
  /** Maintenance windows not cancelled. */
  maintenance: readonly TimeWindow[];
}

export function servesPlan(s: Serves, c: PlanClass): boolean {
  if (s.productIds.length > 0 && !s.productIds.includes(c.productId)) return false;
  if (s.merchantIds.length > 0 && !s.merchantIds.includes(c.merchantId)) return false;
  if (s.partnerIds.length > 0 && !c.partnerIds.some((p) => s.partnerIds.includes(p))) return false;
  return true;
}

/**
 * Auto-debit is how the platform pulls money, not a place a customer can go: it never
 * counts as "an entrance open to the customer" and is never offered as where to pay.
 */
export const isCustomerFacing = (kind: EntranceKind): boolean => kind !== 'auto_debit';

/** The status in force at an instant, or null before the entrance existed. */
export function statusAt(e: EntranceTimeline, at: number): EntranceStatus | null {
  let status: EntranceStatus | null = null;
  for (const c of e.changes) {
    if (c.at > at) break;
    status = c.status;
  }
  return status;
}

export const inMaintenance = (e: EntranceTimeline, at: number): boolean => e.maintenance.some((w) => w.from <= at && at < w.to);

/** Degraded still takes payments (slowly), so it counts as working; closed or in maintenance does not. */
export function workingAt(e: EntranceTimeline, at: number): boolean {
  const s = statusAt(e, at);
  return (s === 'open' || s === 'degraded') && !inMaintenance(e, at);
}

export const byPriority = (a: EntranceTimeline, b: EntranceTimeline): number => a.priority - b.priority || a.code.localeCompare(b.code);

/** Fills a URL template: `{planId}` lets one portal entrance deep-link to each plan. */
export const entranceUrl = (e: { url: string }, planId?: string): string => (planId ? e.url.replaceAll('{planId}', planId) : e.url.replaceAll('{planId}', ''));
