import type { EntranceKind, EntranceStatus, Serves } from '../../core/entrances/entrance.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { isUniqueViolation } from '../../adapters/db/tx.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import { noticeEntranceClosed } from './entrance-closed-notices.ts';
import type { EntranceRow } from './entrance-store.ts';

export interface EntranceInput {
  code: string; kind: EntranceKind; name: string; url: string; status: EntranceStatus; priority: number; serves: Serves; successorCode?: string | null;
}

const actorOf = (ctx: TxContext) => `${ctx.actor.kind}:${ctx.actor.id}`;

/** 还款入口登记. Creation is the first status change, so availability is known from the moment the entrance exists. */
export async function createEntrance(ctx: TxContext, input: EntranceInput): Promise<Result<EntranceRow, DomainError>> {
  const checked = await checkRefs(ctx, input.url, input.successorCode ?? null, input.code);
  if (!checked.ok) return checked;
  try {
    await ctx.tx.insertInto('entrances').values({
      code: input.code, kind: input.kind, name: input.name, url: input.url, status: input.status, priority: input.priority,
      serves: JSON.stringify(input.serves), successor_code: input.successorCode ?? null, created_at: ctx.at, updated_at: ctx.at,
    }).execute();
  } catch (e) {
    if (isUniqueViolation(e)) return err(domainError('conflict', `an entrance with code ${input.code} exists`, 'code'));
    throw e;
  }
  await ctx.tx.insertInto('entrance_status_history').values({
    id: ctx.deps.ids.next(), code: input.code, status: input.status, reason: 'created', actor: actorOf(ctx), changed_at: ctx.at, recorded_at: ctx.at,
  }).execute();
  await audit(ctx, 'entrance.create', `entrance:${input.code}`, { kind: input.kind, status: input.status, serves: input.serves });
  return ok((await findEntrance(ctx, input.code))!);
}

export async function updateEntrance(ctx: TxContext, code: string, patch: Partial<Omit<EntranceInput, 'code' | 'kind' | 'status'>>): Promise<Result<EntranceRow, DomainError>> {
  const current = await findEntrance(ctx, code);
  if (!current) return err(domainError('not_found', 'no entrance with that code', 'code'));
  const checked = await checkRefs(ctx, patch.url ?? current.url, patch.successorCode === undefined ? current.successor_code : patch.successorCode, code);
  if (!checked.ok) return checked;
  await ctx.tx.updateTable('entrances').set({
    name: patch.name ?? current.name, url: patch.url ?? current.url, priority: patch.priority ?? current.priority,
    serves: JSON.stringify(patch.serves ?? current.serves), successor_code: patch.successorCode === undefined ? current.successor_code : patch.successorCode,
    updated_at: ctx.at,
  }).where('code', '=', code).execute();
  await audit(ctx, 'entrance.update', `entrance:${code}`, { patch });
  return ok((await findEntrance(ctx, code))!);
}

/**
 * Records a status change. `at` may be earlier than now (monitoring noticed an outage after
 * the fact) but not later: the history is what happened, and outage protection is computed
 * from it. The current status is whatever the latest change says.
 */
export async function setEntranceStatus(ctx: TxContext, code: string, input: { status: EntranceStatus; reason: string; at?: Date }): Promise<Result<EntranceRow, DomainError>> {
  const current = await ctx.tx.selectFrom('entrances').select(['code', 'status']).where('code', '=', code).forUpdate().executeTakeFirst();
  if (!current) return err(domainError('not_found', 'no entrance with that code', 'code'));
  const at = input.at ?? ctx.at;
  if (at.getTime() > ctx.at.getTime()) return err(domainError('validation_failed', 'a status change cannot be recorded in the future; schedule maintenance instead', 'at'));
  const changeId = ctx.deps.ids.next();
  await ctx.tx.insertInto('entrance_status_history').values({
    id: changeId, code, status: input.status, reason: input.reason, actor: actorOf(ctx), changed_at: at, recorded_at: ctx.at,
  }).execute();
  const latest = await ctx.tx.selectFrom('entrance_status_history').select('status').where('code', '=', code)
    .orderBy('changed_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
  await ctx.tx.updateTable('entrances').set({ status: latest.status, updated_at: ctx.at }).where('code', '=', code).execute();
  // Closing tells the customers it served where to pay now; a degraded entrance still takes
  // payments, and a planned window is announced by its own schedule, so neither does.
  const told = latest.status === 'closed' && current.status !== 'closed' ? await noticeEntranceClosed(ctx, code, changeId, at) : 0;
  await audit(ctx, 'entrance.status', `entrance:${code}`, { status: input.status, reason: input.reason, at: at.toISOString(), customersTold: told });
  return ok((await findEntrance(ctx, code))!);
}

export interface MaintenanceInput { startsAt: Date; endsAt: Date; reason: string }

export async function scheduleMaintenance(ctx: TxContext, code: string, input: MaintenanceInput): Promise<Result<{ id: string }, DomainError>> {
  if (!(await findEntrance(ctx, code))) return err(domainError('not_found', 'no entrance with that code', 'code'));
  if (input.endsAt.getTime() <= input.startsAt.getTime()) return err(domainError('validation_failed', 'maintenance must end after it starts', 'endsAt'));
  const id = ctx.deps.ids.next();
  await ctx.tx.insertInto('entrance_maintenance').values({ id, code, starts_at: input.startsAt, ends_at: input.endsAt, reason: input.reason, created_at: ctx.at, cancelled_at: null }).execute();
  await audit(ctx, 'entrance.maintenance', `entrance:${code}`, { id, startsAt: input.startsAt.toISOString(), endsAt: input.endsAt.toISOString(), reason: input.reason });
  return ok({ id });
}

/** Only a window that has not started can be cancelled: one that happened is history. */
export async function cancelMaintenance(ctx: TxContext, code: string, id: string): Promise<Result<{ id: string }, DomainError>> {
  const w = await ctx.tx.selectFrom('entrance_maintenance').selectAll().where('id', '=', id).where('code', '=', code).executeTakeFirst();
  if (!w || w.cancelled_at) return err(domainError('not_found', 'no such maintenance window', 'id'));
  if (new Date(w.starts_at).getTime() <= ctx.at.getTime()) return err(domainError('conflict', 'this maintenance window has already started'));
  await ctx.tx.updateTable('entrance_maintenance').set({ cancelled_at: ctx.at }).where('id', '=', id).execute();
  await audit(ctx, 'entrance.maintenance.cancel', `entrance:${code}`, { id });
  return ok({ id });
}

function findEntrance(ctx: TxContext, code: string) {
  return ctx.tx.selectFrom('entrances').selectAll().where('code', '=', code).executeTakeFirst();
}

async function checkRefs(ctx: TxContext, url: string, successor: string | null, self: string): Promise<Result<true, DomainError>> {
  if (!/^https?:\/\/[^\s]+$/.test(url)) return err(domainError('validation_failed', 'url must be an http(s) URL', 'url'));
  if (successor === self) return err(domainError('validation_failed', 'an entrance cannot succeed itself', 'successorCode'));
  if (successor && !(await findEntrance(ctx, successor))) return err(domainError('not_found', 'no entrance with the successor code', 'successorCode'));
  return ok(true);
}
