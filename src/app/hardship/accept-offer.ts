import { DEFAULT_DELINQUENCY_BUCKETS } from '../../core/charges/delinquency.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import type { Restructure } from '../../core/hardship/restructure.ts';
import { restructurePostings } from '../../core/hardship/restructure-postings.ts';
import { journal } from '../../core/ledger/journal.ts';
import { formatYuan } from '../../core/money/parse.ts';
import { err, ok, type Result } from '../../core/result.ts';
import type { Allocation } from '../../core/servicing/installment-state.ts';
import { adjustInstallments, lockCustomer } from '../../adapters/db/plan-store.ts';
import { postJournal } from '../../adapters/db/ledger-store.ts';
import { sql } from 'kysely';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import { withCollections } from '../collections/tables.ts';
import { loadCustomerBook, type BookPlan } from '../servicing/customer-book.ts';
import { waiverEntry } from '../servicing/repayment-entry.ts';
import { findOffer, openOffer, type OfferRow } from './offer-status.ts';
import { previewOf, type OfferPreview } from './offer-view.ts';
import { restructurePlan } from './plan-restructure.ts';
import { chargesPosting, todaysCharges, withCharges } from './todays-charges.ts';
import type { InstallmentCharge } from '../../core/close/plan-day.ts';

export interface AcceptedHardship {
  offerId: string; planId: string; acceptedOn: string; penaltyWaived: string; capitalised: string;
  schedule: OfferPreview['schedule'];
}

/**
 * The customer accepts an offer. In one transaction: the plan's schedule is computed again and
 * must equal the one shown; the old schedule goes to schedule_history; what the old
 * installments owe moves to new installments (recorded as hardship waivers on the old rows,
 * so their history — and the close's late charges — stop today); the penalty waived and the
 * receivable moves are posted; the credit line takes the capitalised amount as principal;
 * the plan is re-aged to M0 and leaves the collections queue.
 */
export async function acceptOffer(ctx: TxContext, offerId: string): Promise<Result<AcceptedHardship, DomainError>> {
  const customerId = ctx.actor.id;
  if (!await lockCustomer(ctx.tx, customerId)) return err(domainError('customer_not_found', 'no such customer'));
  const found = await findOffer(ctx, customerId, offerId);
  if (!found.ok) return found;
  if (found.value.approval === 'pending') return err(domainError('hardship_offer_not_found', 'no hardship offer with that id'));
  const open = openOffer(found.value, ctx.at);
  if (!open.ok) return open;
  const offer = open.value;
  const loaded = (await loadCustomerBook(ctx.tx, customerId, [offer.plan_id]))?.plans[0];
  if (!loaded) return err(domainError('plan_not_found', 'the plan of this offer no longer exists'));
  const charges = await todaysCharges(ctx.tx, loaded, ctx.businessDate);
  const plan = withCharges(loaded, charges);
  const r = restructurePlan(plan, ctx.businessDate, { terms: offer.terms, firstDue: offer.first_due_date, penaltyKept: Number(offer.penalty_kept_fen) });
  if (!r.ok) return err(domainError('hardship_offer_stale', `the plan changed since the offer: ${r.error.message}`));
  const shown = (offer.preview as OfferPreview).schedule;
  const now = previewOf(r.value, 0).schedule;
  if (!sameSchedule(now, shown)) return err(domainError('hardship_offer_stale', 'the plan changed since the offer (a payment or a due date passed); ask for a new offer'));
  await postTodaysCharges(ctx, plan, offer, charges);
  await applyRestructure(ctx, plan, offer, r.value);
  const penaltyWaived = r.value.figures.penaltyWaived;
  await withCollections(ctx.tx).updateTable('hardship_plans').set({
    status: 'accepted', accepted_on: ctx.businessDate, accepted_at: ctx.at, penalty_waived_fen: penaltyWaived, updated_at: ctx.at,
  }).where('customer_id', '=', customerId).where('id', '=', offer.id).execute();
  await withCollections(ctx.tx).updateTable('collection_cases').set({ status: 'restructured', closed_on: ctx.businessDate, updated_at: ctx.at })
    .where('customer_id', '=', customerId).where('plan_id', '=', plan.row.id).where('status', '=', 'open').execute();
  await audit(ctx, 'hardship.accept', `plan:${plan.row.id}`, { offerId: offer.id, penaltyWaivedFen: penaltyWaived, capitalisedFen: r.value.figures.capitalised, terms: offer.terms });
  await restructuredEvent(ctx, plan, offer, r.value);
  return ok({ offerId: offer.id, planId: plan.row.id, acceptedOn: ctx.businessDate, penaltyWaived: formatYuan(penaltyWaived), capitalised: formatYuan(r.value.figures.capitalised), schedule: shown });
}

/** Field by field: jsonb does not keep the key order the preview was written with. */
function sameSchedule(a: OfferPreview['schedule'], b: OfferPreview['schedule']): boolean {
  const key = (r: OfferPreview['schedule'][number]) => [r.number, r.dueDate, r.principal, r.interest, r.fee, r.total].join('|');
  return a.length === b.length && a.every((r, k) => key(r) === key(b[k]!));
}

async function applyRestructure(ctx: TxContext, plan: BookPlan, offer: OfferRow, r: Restructure): Promise<void> {
  const { customer_id: customerId, id: planId } = plan.row;
  const version = await ctx.tx.selectFrom('schedule_history').select(({ fn }) => fn.countAll<number>().as('n')).where('customer_id', '=', customerId).where('plan_id', '=', planId).executeTakeFirstOrThrow();
  await ctx.tx.insertInto('schedule_history').values({
    customer_id: customerId, plan_id: planId, version: Number(version.n) + 1, reason: `hardship plan ${offer.id}`, business_date: ctx.businessDate, created_at: ctx.at,
    schedule: JSON.stringify(plan.states.map((i) => ({ number: i.number, dueDate: i.dueDate, principal: i.principal, interest: i.interest, fee: i.fee, penalty: i.penalty }))),
  }).execute();
  const first = r.schedule[0]!.number;
  const last = r.schedule[r.schedule.length - 1]!.number;
  await recordWaivers(ctx, plan, r.transfers, `restructure: moved to installments ${first}-${last} under hardship plan ${offer.id}`);
  await recordWaivers(ctx, plan, r.penaltyWaivers, `penalty waived under hardship plan ${offer.id}`);
  await adjustInstallments(ctx.tx, customerId, planId, 'waived', [...r.transfers, ...r.penaltyWaivers], 1, ctx.businessDate);
  await ctx.tx.insertInto('installments').values(r.schedule.map((s) => ({
    customer_id: customerId, plan_id: planId, number: s.number, due_date: s.dueDate, principal_fen: s.principal, interest_fen: s.interest, fee_fen: s.fee, settled_on: null,
  }))).execute();
  const reference = `hardship:${offer.id}`;
  const waived = waiverEntry(reference, [{ planId, allocations: r.penaltyWaivers }]);
  await postJournal(ctx.tx, { customerId, businessDate: ctx.businessDate, at: ctx.at, ids: ctx.deps.ids },
    journal('hardship.restructure', reference, [...waived.postings, ...restructurePostings(planId, r.figures)]));
  // The credit line's used amount is the open principal: the capitalised arrears are principal now.
  await ctx.tx.updateTable('credit_lines').set({ used_fen: sql`used_fen + ${r.figures.capitalised}`, updated_at: ctx.at }).where('customer_id', '=', customerId).execute();
  await ctx.tx.updateTable('plans').set({
    terms: plan.states.length + r.schedule.length, days_past_due: 0, delinquency_bucket: DEFAULT_DELINQUENCY_BUCKETS[0]!.code, updated_at: ctx.at,
  }).where('customer_id', '=', customerId).where('id', '=', planId).execute();
}

/** Today's late charge, posted as the close would, so the restructure moves or waives it with the rest. */
async function postTodaysCharges(ctx: TxContext, plan: BookPlan, offer: OfferRow, charges: readonly InstallmentCharge[]): Promise<void> {
  if (charges.length === 0) return;
  const { customer_id: customerId, id: planId } = plan.row;
  for (const c of charges) {
    await ctx.tx.updateTable('installments').set({ penalty_fen: sql`penalty_fen + ${c.amount}`, settled_on: null })
      .where('customer_id', '=', customerId).where('plan_id', '=', planId).where('number', '=', c.installmentNumber).execute();
  }
  await postJournal(ctx.tx, { customerId, businessDate: ctx.businessDate, at: ctx.at, ids: ctx.deps.ids }, chargesPosting(planId, `hardship:${offer.id}:charges`, charges));
}

async function recordWaivers(ctx: TxContext, plan: BookPlan, items: readonly Allocation[], reason: string): Promise<void> {
  if (items.length === 0) return;
  await ctx.tx.insertInto('waivers').values(items.map((w) => ({
    customer_id: plan.row.customer_id, id: ctx.deps.ids.next(), plan_id: plan.row.id, installment_number: w.installmentNumber, component: w.component,
    amount_fen: w.amount, source: 'hardship' as const, reason, repayment_id: null, actor: `${ctx.actor.kind}:${ctx.actor.id}`,
    business_date: ctx.businessDate, created_at: ctx.at, reversed_at: null,
  }))).execute();
}

/**
 * An outbox event for consumers inside Fenqi (credit reporting reports the agreed plan). It is
 * not a merchant webhook topic, so no delivery is queued.
 */
async function restructuredEvent(ctx: TxContext, plan: BookPlan, offer: OfferRow, r: Restructure): Promise<void> {
  const id = ctx.deps.ids.next();
  await ctx.tx.insertInto('events').values({
    id, topic: 'plan.restructured', merchant_id: plan.row.merchant_id, customer_id: plan.row.customer_id, created_at: ctx.at,
    payload: JSON.stringify({ id, topic: 'plan.restructured', createdAt: ctx.at.toISOString(), businessDate: ctx.businessDate, data: {
      planId: plan.row.id, hardshipPlanId: offer.id, terms: offer.terms, firstDueDate: offer.first_due_date,
      penaltyWaived: formatYuan(r.figures.penaltyWaived), capitalised: formatYuan(r.figures.capitalised), owedAfter: formatYuan(r.figures.owedAfter),
    } }),
  }).execute();
}
