import { sql, type Selectable } from 'kysely';
import { addDays, type BusinessDate } from '../../core/calendar/business-date.ts';
import { shanghaiDateOf } from '../../core/calendar/shanghai.ts';
import type { ProtectionSettings } from '../../core/entrances/protection.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import type { IncidentsTable } from '../../adapters/db/schema.ts';
import type { Db, Tx } from '../../adapters/db/tx.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import { ownersOnSql } from '../partners/partner-store.ts';
import { loadProtectionSettings, protectPlans, type PlanRef } from './protection-store.ts';

export type IncidentRow = Selectable<IncidentsTable>;
/** Which plans an incident covers: each non-empty list must match; all empty covers every plan. */
export interface IncidentScope { partnerIds: string[]; productIds: string[]; merchantIds: string[]; planIds: string[] }

/**
 * 事故声明: an operator declares that customers in a scope could not pay (a gateway down, a
 * wrong SMS link, a partner app that never opened). Protection is applied at once for the
 * days so far and by every daily close while the incident is open; ending it fixes the window.
 */
export async function declareIncident(ctx: TxContext, input: { title: string; scope: IncidentScope; startsAt?: Date }): Promise<Result<IncidentRow, DomainError>> {
  const startsAt = input.startsAt ?? ctx.at;
  if (startsAt.getTime() > ctx.at.getTime()) return err(domainError('validation_failed', 'an incident is declared once it has started', 'startsAt'));
  const id = ctx.deps.ids.next();
  await ctx.tx.insertInto('incidents').values({
    id, title: input.title, scope: JSON.stringify(input.scope), starts_at: startsAt, ends_at: null, status: 'open',
    declared_by: `${ctx.actor.kind}:${ctx.actor.id}`, ended_by: null, review: null, created_at: ctx.at,
  }).execute();
  const row = (await findIncident(ctx.tx, id))!;
  await protectIncident(ctx, row, await loadProtectionSettings(ctx.tx));
  await audit(ctx, 'incident.declare', `incident:${id}`, { title: input.title, scope: input.scope, startsAt: startsAt.toISOString() });
  return ok((await findIncident(ctx.tx, id))!);
}

export async function endIncident(ctx: TxContext, id: string, input: { endsAt?: Date }): Promise<Result<IncidentRow, DomainError>> {
  const row = await ctx.tx.selectFrom('incidents').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) return err(domainError('not_found', 'no incident with that id', 'incidentId'));
  if (row.status === 'ended') return err(domainError('conflict', 'this incident has already ended'));
  const endsAt = input.endsAt ?? ctx.at;
  if (endsAt.getTime() > ctx.at.getTime() || endsAt.getTime() < new Date(row.starts_at).getTime()) {
    return err(domainError('validation_failed', 'an incident ends between its start and now', 'endsAt'));
  }
  await ctx.tx.updateTable('incidents').set({ status: 'ended', ends_at: endsAt, ended_by: `${ctx.actor.kind}:${ctx.actor.id}` }).where('id', '=', id).execute();
  const ended = (await findIncident(ctx.tx, id))!;
  await protectIncident(ctx, ended, await loadProtectionSettings(ctx.tx));
  await audit(ctx, 'incident.end', `incident:${id}`, { endsAt: endsAt.toISOString() });
  return ok(ended);
}

/** The post-incident review: what happened and what was done, kept with the incident. */
export async function reviewIncident(ctx: TxContext, id: string, review: string): Promise<Result<IncidentRow, DomainError>> {
  const r = await ctx.tx.updateTable('incidents').set({ review }).where('id', '=', id).executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return err(domainError('not_found', 'no incident with that id', 'incidentId'));
  await audit(ctx, 'incident.review', `incident:${id}`, { review });
  return ok((await findIncident(ctx.tx, id))!);
}

export const findIncident = (db: Db | Tx, id: string) => db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();

export async function listIncidents(db: Db, status?: 'open' | 'ended'): Promise<(IncidentRow & { protected_installments: number })[]> {
  let q = db.selectFrom('incidents').selectAll()
    .select((eb) => eb.selectFrom('plan_protections').select((e) => e.fn.countAll<number>().as('n'))
      .where('cause_kind', '=', 'incident').whereRef('cause_ref', '=', sql`incidents.id::text`).as('protected_installments'));
  if (status) q = q.where('status', '=', status);
  const rows = await q.orderBy('id', 'desc').limit(200).execute();
  return rows.map((r) => ({ ...r, protected_installments: Number(r.protected_installments ?? 0) }));
}

/** The business-date window of an incident as of `today`: from its start's date to its end's date, or today while open. */
export function incidentWindow(row: IncidentRow, today: BusinessDate): { from: BusinessDate; to: BusinessDate } {
  const from = shanghaiDateOf(new Date(row.starts_at));
  const to = row.ends_at ? shanghaiDateOf(new Date(row.ends_at)) : today;
  return { from, to: to < from ? from : to };
}

async function protectIncident(ctx: TxContext, row: IncidentRow, s: ProtectionSettings): Promise<number> {
  const window = incidentWindow(row, ctx.businessDate);
  const plans = await incidentPlans(ctx.tx, row.scope as IncidentScope, window, ctx.businessDate);
  return protectPlans(ctx, { kind: 'incident', ref: row.id, window, detail: { incident: row.id, title: row.title } }, plans, s);
}

/** The daily close's part: every incident open on the date (or ended that day) widens its protection to the date. */
export async function applyIncidents(ctx: TxContext, date: BusinessDate, s: ProtectionSettings): Promise<{ incidents: number; installments: number }> {
  const rows = await ctx.tx.selectFrom('incidents').selectAll()
    .where('starts_at', '<', new Date(Date.parse(`${addDays(date, 1)}T00:00:00+08:00`)))
    .where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>=', new Date(Date.parse(`${date}T00:00:00+08:00`)))])).execute();
  let installments = 0;
  for (const row of rows) {
    const window = incidentWindow(row, date);
    const plans = await incidentPlans(ctx.tx, row.scope as IncidentScope, window, date);
    installments += await protectPlans(ctx, { kind: 'incident', ref: row.id, window, detail: { incident: row.id, title: row.title } }, plans, s);
  }
  return { incidents: rows.length, installments };
}

/** Active plans in scope with an open installment due on or before the window's end (grace is checked when protecting). */
async function incidentPlans(tx: Tx, scope: IncidentScope, window: { from: BusinessDate; to: BusinessDate }, date: BusinessDate): Promise<PlanRef[]> {
  const ids = (list: string[]) => sql.join(list.map((id) => sql`${id}::uuid`));
  const conditions = [sql`p.status = 'active'`];
  if (scope.planIds.length > 0) conditions.push(sql`p.id in (${ids(scope.planIds)})`);
  if (scope.productIds.length > 0) conditions.push(sql`p.product_id in (${ids(scope.productIds)})`);
  if (scope.merchantIds.length > 0) conditions.push(sql`p.merchant_id in (${ids(scope.merchantIds)})`);
  if (scope.partnerIds.length > 0) {
    conditions.push(sql`exists (select 1 from ${ownersOnSql(date)} o where o.customer_id = p.customer_id and o.plan_id = p.id and o.partner_id in (${ids(scope.partnerIds)}))`);
  }
  const rows = await sql<{ customer_id: string; plan_id: string }>`
    select p.customer_id::text, p.id::text as plan_id from plans p
    where ${sql.join(conditions, sql` and `)}
      and exists (select 1 from installments i where i.customer_id = p.customer_id and i.plan_id = p.id and i.settled_on is null and i.due_date <= ${window.to}::date)
    order by 1, 2`.execute(tx);
  return rows.rows.map((r) => ({ customerId: r.customer_id, planId: r.plan_id }));
}
