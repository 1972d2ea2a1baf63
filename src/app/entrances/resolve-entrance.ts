import { shanghaiDateOf } from '../../core/calendar/shanghai.ts';
import { entranceUrl, statusAt, type EntranceTimeline } from '../../core/entrances/entrance.ts';
import { resolveFor } from '../../core/entrances/resolve.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import type { Db, Tx } from '../../adapters/db/tx.ts';
import { loadTimelines, planClassOn } from './entrance-store.ts';

export interface EntranceRef { code: string; kind: string; name: string; url: string; status: string | null }
export interface WhereToPay { planId: string; payAt: EntranceRef | null; usual: EntranceRef | null; rerouted: boolean; reason: string }

const ref = (e: EntranceTimeline, at: number, planId?: string): EntranceRef =>
  ({ code: e.code, kind: e.kind, name: e.name, url: entranceUrl(e, planId), status: statusAt(e, at) });

/**
 * resolveEntrance(customerId, planId, at): a working entrance for this plan at this instant,
 * with its URL. The plan's owners are taken on the Shanghai date of `at`, so after a
 * portfolio transfer the buyer's entrances serve it from the effective date on.
 */
export async function resolveEntrance(db: Db | Tx, customerId: string, planId: string, at: Date, timelines?: EntranceTimeline[]): Promise<Result<WhereToPay, DomainError>> {
  const plan = await planClassOn(db, customerId, planId, shanghaiDateOf(at));
  if (!plan) return err(domainError('plan_not_found', 'no plan with that id', 'planId'));
  const t = at.getTime();
  const r = resolveFor(timelines ?? await loadTimelines(db), plan, t);
  return ok({ planId, payAt: r.entrance ? ref(r.entrance, t, planId) : null, usual: r.usual ? ref(r.usual, t, planId) : null, rerouted: r.rerouted, reason: r.reason });
}

/** GET /v1/me/where-to-pay: one answer per open plan of the customer. */
export async function whereToPay(db: Db | Tx, customerId: string, at: Date): Promise<WhereToPay[]> {
  const plans = await db.selectFrom('plans').select('id').where('customer_id', '=', customerId).where('status', '=', 'active').orderBy('created_at').orderBy('id').execute();
  const timelines = await loadTimelines(db);
  const out: WhereToPay[] = [];
  for (const p of plans) {
    const r = await resolveEntrance(db, customerId, p.id, at, timelines);
    if (r.ok) out.push(r.value);
  }
  return out;
}
