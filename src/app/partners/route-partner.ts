import { sql, type RawBuilder } from 'kysely';
import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { routeFunding, type PartnerForRouting, type RouteInput, type Routing } from '../../core/partners/routing.ts';
import type { BusinessDate } from '../../core/calendar/business-date.ts';
import { oneStatement } from '../servicing/batch/one-statement.ts';
import type { TxContext } from '../context.ts';
import { loadPartners, toRouting } from './partner-store.ts';

/**
 * Checkout's routing decision (read nothing, write nothing): which partner(s) fund this plan
 * and why, on the partners as checkout read them. Made after the risk decision and before
 * anything is written, so a plan no partner can fund is declined cleanly. A checkout that
 * decides several plans passes the partners with the quota its earlier plans took (takeQuota).
 */
export function decideRouting(partners: readonly PartnerForRouting[], input: RouteInput): Result<Routing, DomainError> {
  const outcome = routeFunding(partners, input);
  if (!outcome.ok) return err(domainError('origination_declined', `no funding available: ${outcome.reason}`, undefined, { funding: outcome.considered }));
  return ok(outcome.routing);
}

/** decideRouting on the partners as they are now (one read). */
export async function routePartner(ctx: TxContext, input: RouteInput): Promise<Result<Routing, DomainError>> {
  return decideRouting((await loadPartners(ctx.tx)).map(toRouting), input);
}

/** The partners as they stand once `routing`'s lenders have taken their shares (for the next decision in the same checkout). */
export function takeQuota(partners: readonly PartnerForRouting[], routing: Routing): PartnerForRouting[] {
  const taken = new Map<string, number>();
  for (const l of routing.lenders) taken.set(l.partnerId, (taken.get(l.partnerId) ?? 0) + l.amountFen);
  return partners.map((p) => (taken.has(p.id) ? { ...p, quotaUsedFen: p.quotaUsedFen + taken.get(p.id)! } : p));
}


export interface PlanFunding { customerId: string; planId: string; routing: Routing }

/**
 * The writes that record plans' funding, as fragments for one statement: (1) each lender's
 * shares taken from its quota, summed per partner, in one UPDATE that refuses a partner whose
 * quota would go over (a concurrent checkout took the last of it) — it returns one row per
 * partner it moved, and `partners` says how many it must; (2) each plan's funding rows,
 * version 1, effective from the business date, with the routing reason. A platform-funded
 * plan records nothing.
 */
export function planFundingWrites(at: Date, businessDate: BusinessDate, plans: readonly PlanFunding[]): FundingWrites {
  const deltas = new Map<string, number>();
  const rows: unknown[] = [];
  for (const { customerId, planId, routing } of plans) {
    if (routing.lenders.length === 0) continue;
    const reason = { kind: 'checkout', reason: routing.reason, considered: routing.considered };
    routing.lenders.forEach((l, seq) => {
      deltas.set(l.partnerId, (deltas.get(l.partnerId) ?? 0) + l.amountFen);
      rows.push({ customer_id: customerId, plan_id: planId, version: 1, seq, partner_id: l.partnerId, share_bp: l.shareBp, effective_date: businessDate, reason, transfer_id: null, created_at: at });
    });
  }
  const moves = [...deltas].filter(([, delta]) => delta !== 0).map(([id, delta]) => ({ id, delta }));
  return {
    partners: moves.map((m) => m.id),
    quota: sql`
      update partners p set quota_used_fen = p.quota_used_fen + v.delta, updated_at = ${at}::timestamptz
      from jsonb_to_recordset(${JSON.stringify(moves)}::jsonb) as v(id uuid, delta bigint)
      where p.id = v.id and p.quota_used_fen + v.delta <= p.quota_fen returning p.id`,
    funding: sql`
      insert into plan_funding (customer_id, plan_id, version, seq, partner_id, share_bp, effective_date, reason, transfer_id, created_at)
      select customer_id, plan_id, version, seq, partner_id, share_bp, effective_date, reason, transfer_id, created_at
      from jsonb_populate_recordset(null::plan_funding, ${JSON.stringify(rows)}::jsonb)`,
  };
}

export interface FundingWrites {
  /** The UPDATE of the partners' quota: RETURNING the id of each partner it moved. */
  quota: RawBuilder<unknown>;
  funding: RawBuilder<unknown>;
  /** The partners `quota` must move. */
  partners: string[];
}

/**
 * Null if the quota UPDATE moved every partner it had to (`moved`: the ids it returned,
 * comma-separated); otherwise the error of a concurrent checkout having taken the last of a
 * partner's quota between the decision and the write (the caller rolls back).
 */
export function quotaShortfall(writes: FundingWrites, moved: string | null): DomainError | null {
  const done = new Set(moved ? moved.split(',') : []);
  const short = writes.partners.find((id) => !done.has(id));
  return short === undefined ? null
    : domainError('origination_declined', 'no funding available: a partner\'s quota was used up by another checkout; try again', undefined, { partnerId: short });
}

/**
 * Records one plan's funding in the caller's transaction once the plan row exists: each
 * lender's share taken from its quota (refused if a concurrent checkout took the last of it)
 * and the funding rows, in one statement (planFundingWrites).
 */
export async function recordPlanFunding(ctx: TxContext, customerId: string, planId: string, routing: Routing): Promise<Result<Routing, DomainError>> {
  const writes = planFundingWrites(ctx.at, ctx.businessDate, [{ customerId, planId, routing }]);
  const r = await oneStatement([writes.quota, writes.funding, sql`select (select string_agg(id::text, ',') from w0) as moved`]).execute(ctx.tx);
  const short = quotaShortfall(writes, (r.rows[0] as { moved: string | null }).moved);
  return short ? err(short) : ok(routing);
}
