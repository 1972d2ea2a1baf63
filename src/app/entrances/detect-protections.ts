import { sql } from 'kysely';
import { addDays, parseBusinessDate, type BusinessDate } from '../../core/calendar/business-date.ts';
import type { PlanClass } from '../../core/entrances/entrance.ts';
import { dayOutage, movedEntrance, type ProtectionSettings } from '../../core/entrances/protection.ts';
import type { DomainError } from '../../core/errors.ts';
import { ok, type Result } from '../../core/result.ts';
import type { Tx } from '../../adapters/db/tx.ts';
import type { TxContext } from '../context.ts';
import { ownersOnSql } from '../partners/partner-store.ts';
import { loadTimelines } from './entrance-store.ts';
import { applyIncidents } from './incidents.ts';
import { loadProtectionSettings, protectPlans, type Cause, type PlanRef } from './protection-store.ts';

export interface ProtectionRun { date: BusinessDate; outageClasses: number; movedClasses: number; incidents: number; installmentsProtected: number }

interface Candidate extends PlanRef { productId: string; merchantId: string; ownersNow: string[]; ownersPrev: string[] }

/**
 * Outage protection for one business date, for the daily close to call before it charges
 * anything for that date: finds plans whose entrances were out too long that day (outage),
 * whose usual entrance stopped taking their payment that day (entrance_moved), or that an
 * open incident covers, and records their protected installments. Plans are grouped by what
 * decides their entrances (product, merchant, owners), so the registry is evaluated once per
 * group, not per plan. Safe to run any number of times for a date.
 */
export async function applyProtections(ctx: TxContext, date: BusinessDate): Promise<Result<ProtectionRun, DomainError>> {
  const parsed = parseBusinessDate(date, 'date');
  if (!parsed.ok) return parsed;
  const s = await loadProtectionSettings(ctx.tx);
  const timelines = await loadTimelines(ctx.tx);
  const run: ProtectionRun = { date, outageClasses: 0, movedClasses: 0, incidents: 0, installmentsProtected: 0 };
  const window = await candidateWindow(ctx.tx, date, s);
  // Most dates no class has a cause: the classes alone (a handful of rows) show it, without
  // reading every candidate plan (thousands of rows, on PGlite ~1 µs a value to decode).
  const anyCause = (await candidateClasses(ctx.tx, date, window)).some((c) => causesFor(timelines, c.before, c.now, date, s).length > 0);
  for (const group of anyCause ? groupByClass(await candidates(ctx.tx, date, window)) : []) {
    const now: PlanClass = { productId: group[0]!.productId, merchantId: group[0]!.merchantId, partnerIds: group[0]!.ownersNow };
    const before: PlanClass = { ...now, partnerIds: group[0]!.ownersPrev };
    for (const cause of causesFor(timelines, before, now, date, s)) {
      run[cause.kind === 'outage' ? 'outageClasses' : 'movedClasses'] += 1;
      run.installmentsProtected += await protectPlans(ctx, cause, group, s);
    }
  }
  const incidents = await applyIncidents(ctx, date, s);
  run.incidents = incidents.incidents;
  run.installmentsProtected += incidents.installments;
  return ok(run);
}

function causesFor(timelines: Awaited<ReturnType<typeof loadTimelines>>, before: PlanClass, now: PlanClass, date: BusinessDate, s: ProtectionSettings): Cause[] {
  const causes: Cause[] = [];
  const outage = dayOutage(timelines, now, date, s);
  if (outage.outage) causes.push({ kind: 'outage', ref: date, window: { from: date, to: date }, detail: { uncoveredMinutes: outage.uncoveredMinutes, thresholdMinutes: s.outageThresholdMinutes } });
  const lost = movedEntrance(timelines, before, now, date);
  if (lost) {
    causes.push({ kind: 'entrance_moved', ref: `${date}:${lost.code}`, window: { from: date, to: addDays(date, s.movedGraceDays) }, detail: { entrance: lost.code, name: lost.name } });
  }
  return causes;
}

function groupByClass(rows: Candidate[]): Candidate[][] {
  const groups = new Map<string, Candidate[]>();
  for (const r of rows) {
    const key = `${r.productId}|${r.merchantId}|${r.ownersNow.join(',')}|${r.ownersPrev.join(',')}`;
    // Appended in place: copying the group on every row made this quadratic in a class's size.
    const group = groups.get(key);
    if (group) group.push(r); else groups.set(key, [r]);
  }
  return [...groups.values()];
}

interface CandidateWindow { from: BusinessDate; to: BusinessDate }

/** Due dates a window starting on this date could cover: from the longest grace back to the moved-entrance grace ahead. */
async function candidateWindow(tx: Tx, date: BusinessDate, s: ProtectionSettings): Promise<CandidateWindow> {
  const grace = await tx.selectFrom('plans').select((eb) => eb.fn.max('grace_days').as('g')).where('status', '=', 'active').executeTakeFirst();
  return { from: addDays(date, -Number(grace?.g ?? 0)), to: addDays(date, s.movedGraceDays) };
}

const ownersOf = (on: BusinessDate) => sql`coalesce((select jsonb_agg(o.partner_id order by o.seq) from ${ownersOnSql(on)} o
    where o.customer_id = p.customer_id and o.plan_id = p.id), '[]'::jsonb)`;

const candidatePlans = (window: CandidateWindow) => sql`
    (select distinct customer_id, plan_id from installments where settled_on is null and due_date between ${window.from}::date and ${window.to}::date) d
    join plans p on p.customer_id = d.customer_id and p.id = d.plan_id`;

/** The distinct classes (product, merchant, owners today and yesterday) of the candidate plans. */
async function candidateClasses(tx: Tx, date: BusinessDate, window: CandidateWindow): Promise<{ before: PlanClass; now: PlanClass }[]> {
  const rows = await sql<{ product_id: string; merchant_id: string; now: string[]; prev: string[] }>`
    select distinct p.product_id::text, p.merchant_id::text, ${ownersOf(date)} as now, ${ownersOf(addDays(date, -1))} as prev
    from ${candidatePlans(window)} where p.status = 'active'`.execute(tx);
  return rows.rows.map((r) => {
    const now: PlanClass = { productId: r.product_id, merchantId: r.merchant_id, partnerIds: r.now };
    return { now, before: { ...now, partnerIds: r.prev } };
  });
}

/** Active plans with an open installment whose due date a window starting on this date could cover. */
async function candidates(tx: Tx, date: BusinessDate, window: CandidateWindow): Promise<Candidate[]> {
  const rows = await sql<{ customer_id: string; plan_id: string; product_id: string; merchant_id: string; now: string[]; prev: string[] }>`
    select p.customer_id::text, p.id::text as plan_id, p.product_id::text, p.merchant_id::text, ${ownersOf(date)} as now, ${ownersOf(addDays(date, -1))} as prev
    from ${candidatePlans(window)}
    where p.status = 'active'`.execute(tx);
  return rows.rows.map((r) => ({ customerId: r.customer_id, planId: r.plan_id, productId: r.product_id, merchantId: r.merchant_id, ownersNow: r.now, ownersPrev: r.prev }));
}
