import { domainError, type DomainError } from '../../core/errors.ts';
import type { Fen } from '../../core/money/fen.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { outstandingTotal } from '../../core/servicing/installment-state.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import { seesEveryCase } from '../collections/case-access.ts';
import { collectionsSettings } from '../collections/settings.ts';
import { withCollections } from '../collections/tables.ts';
import { loadCustomerBook } from '../servicing/customer-book.ts';
import { nextDueDate, penaltyOutstanding, restructurePlan } from './plan-restructure.ts';
import { offerView, previewOf, type OfferView } from './offer-view.ts';
import { todaysCharges, withCharges } from './todays-charges.ts';

export interface OfferInput { customerId: string; planId: string; terms: number; penaltyWaived: Fen; firstDueDate?: string }

const DAY_MS = 86_400_000;

/**
 * An agent (on a case assigned to them) or a supervisor offers a restructure. The exact new
 * schedule is computed now and frozen in the offer. An agent's offer waiving more penalty
 * than their limit waits for a supervisor before the customer sees it. A newer offer for the
 * same plan replaces an older one still open.
 */
export async function offerHardship(ctx: TxContext, input: OfferInput): Promise<Result<OfferView, DomainError>> {
  const book = await loadCustomerBook(ctx.tx, input.customerId, [input.planId]);
  const found = book?.plans[0];
  if (!found) return err(domainError('plan_not_found', 'no plan with that id for this customer', 'planId'));
  const plan = withCharges(found, await todaysCharges(ctx.tx, found, ctx.businessDate));
  const db = withCollections(ctx.tx);
  const open = await db.selectFrom('collection_cases').select(['id', 'agent_id']).where('customer_id', '=', input.customerId)
    .where('plan_id', '=', input.planId).where('status', '=', 'open').executeTakeFirst();
  if (!seesEveryCase(ctx) && open?.agent_id !== ctx.actor.id) return err(domainError('forbidden', 'agents offer hardship plans only on their own open cases'));
  const penalty = penaltyOutstanding(plan);
  if (input.penaltyWaived < 0 || input.penaltyWaived > penalty) {
    return err(domainError('waiver_invalid', `between 0.00 and ${(penalty / 100).toFixed(2)} of penalty can be waived`, 'penaltyWaived'));
  }
  const firstDue = input.firstDueDate ?? nextDueDate(plan, ctx.businessDate);
  const r = restructurePlan(plan, ctx.businessDate, { terms: input.terms, firstDue, penaltyKept: penalty - input.penaltyWaived });
  if (!r.ok) return r;
  const limit = collectionsSettings(ctx.deps.config).agentWaiverLimitFen;
  const approval = ctx.actor.role === 'agent' && input.penaltyWaived > limit ? 'pending' as const : 'not_needed' as const;
  const nextUnpaid = plan.states.find((i) => outstandingTotal(i) > 0);
  const before = nextUnpaid ? outstandingTotal(nextUnpaid) : 0;
  await db.updateTable('hardship_plans').set({ status: 'cancelled', updated_at: ctx.at })
    .where('customer_id', '=', input.customerId).where('plan_id', '=', input.planId).where('status', '=', 'offered').execute();
  const row = {
    customer_id: input.customerId, id: ctx.deps.ids.next(), plan_id: input.planId, status: 'offered' as const, approval, terms: input.terms,
    first_due_date: firstDue, penalty_kept_fen: penalty - input.penaltyWaived, penalty_waived_fen: input.penaltyWaived,
    capitalised_fen: r.value.figures.capitalised, preview: JSON.stringify(previewOf(r.value, before)), offered_by: `${ctx.actor.kind}:${ctx.actor.id}`,
    approved_by: null, offered_on: ctx.businessDate, expires_at: new Date(ctx.at.getTime() + collectionsSettings(ctx.deps.config).offerValidDays * DAY_MS),
    accepted_on: null, accepted_at: null, created_at: ctx.at, updated_at: ctx.at,
  };
  await db.insertInto('hardship_plans').values(row).execute();
  await audit(ctx, 'hardship.offer', `plan:${input.planId}`, { offerId: row.id, terms: input.terms, penaltyWaivedFen: input.penaltyWaived, approval });
  const saved = await db.selectFrom('hardship_plans').selectAll().where('customer_id', '=', input.customerId).where('id', '=', row.id).executeTakeFirstOrThrow();
  return ok(offerView(saved));
}
