import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import { withCollections, type HardshipPlansTable } from '../collections/tables.ts';
import { offerView, type OfferView } from './offer-view.ts';
import type { Selectable } from 'kysely';

export type OfferRow = Selectable<HardshipPlansTable>;

/** An offer of this customer, locked; a customer only ever finds their own (the customer id comes from the session). */
export async function findOffer(ctx: TxContext, customerId: string, offerId: string): Promise<Result<OfferRow, DomainError>> {
  const row = await withCollections(ctx.tx).selectFrom('hardship_plans').selectAll()
    .where('customer_id', '=', customerId).where('id', '=', offerId).forUpdate().executeTakeFirst();
  return row ? ok(row) : err(domainError('hardship_offer_not_found', 'no hardship offer with that id'));
}

/** An open offer that has not run out: the only kind that can be approved, accepted or declined. */
export function openOffer(row: OfferRow, at: Date): Result<OfferRow, DomainError> {
  if (row.status !== 'offered') return err(domainError('conflict', `the offer is ${row.status}`));
  if (new Date(row.expires_at).getTime() <= at.getTime()) return err(domainError('hardship_offer_expired', 'the offer has expired; ask for a new one'));
  return ok(row);
}

/** A supervisor approves an agent's offer that waives more than the agent's limit. */
export async function approveOffer(ctx: TxContext, customerId: string, offerId: string): Promise<Result<OfferView, DomainError>> {
  const found = await findOffer(ctx, customerId, offerId);
  if (!found.ok) return found;
  const open = openOffer(found.value, ctx.at);
  if (!open.ok) return open;
  if (open.value.approval !== 'pending') return err(domainError('conflict', 'the offer does not need an approval'));
  return setOffer(ctx, open.value, { approval: 'approved', approved_by: `${ctx.actor.kind}:${ctx.actor.id}` }, 'hardship.approve');
}

/** Staff withdraw an open offer; the customer declines one. */
export async function closeOffer(ctx: TxContext, customerId: string, offerId: string, status: 'cancelled' | 'declined'): Promise<Result<OfferView, DomainError>> {
  const found = await findOffer(ctx, customerId, offerId);
  if (!found.ok) return found;
  if (status === 'declined' && found.value.approval === 'pending') return err(domainError('hardship_offer_not_found', 'no hardship offer with that id'));
  const open = openOffer(found.value, ctx.at);
  if (!open.ok) return open;
  return setOffer(ctx, open.value, { status }, status === 'declined' ? 'hardship.decline' : 'hardship.cancel');
}

async function setOffer(ctx: TxContext, row: OfferRow, change: Partial<Pick<OfferRow, 'status' | 'approval' | 'approved_by'>>, action: string): Promise<Result<OfferView, DomainError>> {
  await withCollections(ctx.tx).updateTable('hardship_plans').set({ ...change, updated_at: ctx.at }).where('customer_id', '=', row.customer_id).where('id', '=', row.id).execute();
  await audit(ctx, action, `plan:${row.plan_id}`, { offerId: row.id });
  return ok(offerView({ ...row, ...change }));
}
