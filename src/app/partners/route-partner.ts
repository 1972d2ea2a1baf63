import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { routeFunding, type RouteInput, type Routing } from '../../core/partners/routing.ts';
import type { TxContext } from '../context.ts';
import { adjustQuota, loadPartners, toRouting } from './partner-store.ts';

/**
 * Checkout step 1 (read only): which partner(s) fund this plan and why. Called from
 * createPlan after the risk decision and before anything is written, so a plan no partner
 * can fund is declined cleanly.
 */
export async function routePartner(ctx: TxContext, input: RouteInput): Promise<Result<Routing, DomainError>> {
  const partners = await loadPartners(ctx.tx);
  const outcome = routeFunding(partners.map(toRouting), input);
  if (!outcome.ok) return err(domainError('origination_declined', `no funding available: ${outcome.reason}`, undefined, { funding: outcome.considered }));
  return ok(outcome.routing);
}

/**
 * Checkout step 2, in the same transaction once the plan row exists: takes each lender's
 * share from its quota (atomically, refusing if a concurrent checkout took the last of it)
 * and records the plan's funding, version 1, effective from the plan's start date, with
 * the routing reason. A platform-funded plan records nothing.
 */
export async function recordPlanFunding(ctx: TxContext, customerId: string, planId: string, routing: Routing): Promise<Result<Routing, DomainError>> {
  for (const l of routing.lenders) {
    if (!(await adjustQuota(ctx.tx, l.partnerId, l.amountFen, ctx.at, true))) {
      return err(domainError('origination_declined', 'no funding available: a partner\'s quota was used up by another checkout; try again', undefined, { partnerId: l.partnerId }));
    }
  }
  if (routing.lenders.length === 0) return ok(routing);
  const reason = JSON.stringify({ kind: 'checkout', reason: routing.reason, considered: routing.considered });
  await ctx.tx.insertInto('plan_funding').values(routing.lenders.map((l, seq) => ({
    customer_id: customerId, plan_id: planId, version: 1, seq, partner_id: l.partnerId, share_bp: l.shareBp,
    effective_date: ctx.businessDate, reason, transfer_id: null, created_at: ctx.at,
  }))).execute();
  return ok(routing);
}
