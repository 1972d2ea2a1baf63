import type { DomainError } from '../../core/errors.ts';
import { ok, type Result } from '../../core/result.ts';
import type { TxContext } from '../context.ts';
import { withCollections } from '../collections/tables.ts';
import { offerView, type OfferView } from './offer-view.ts';

/** Staff: every offer made to a customer, newest first. */
export async function listCustomerOffers(ctx: TxContext, customerId: string): Promise<Result<OfferView[], DomainError>> {
  const rows = await withCollections(ctx.tx).selectFrom('hardship_plans').selectAll().where('customer_id', '=', customerId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  return ok(rows.map(offerView));
}

/** The customer: their own open offers a supervisor has not held back and that have not run out. */
export async function listMyOffers(ctx: TxContext): Promise<Result<OfferView[], DomainError>> {
  const rows = await withCollections(ctx.tx).selectFrom('hardship_plans').selectAll().where('customer_id', '=', ctx.actor.id)
    .where('status', '=', 'offered').where('approval', '<>', 'pending').where('expires_at', '>', ctx.at).orderBy('created_at', 'desc').execute();
  return ok(rows.map(offerView));
}
