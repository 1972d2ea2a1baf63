import type { DomainError } from '../../core/errors.ts';
import { ok, type Result } from '../../core/result.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import { checkOfferPair, type Offer } from './offer-product.ts';

/**
 * Stops a merchant offering a product. Plans already made from it are untouched: each plan
 * carries its own copy of the terms. Withdrawing what is not offered changes nothing.
 */
export async function withdrawProduct(ctx: TxContext, merchantId: string, productId: string): Promise<Result<Offer, DomainError>> {
  const pair = await checkOfferPair(ctx, merchantId, productId);
  if (!pair.ok) return pair;
  const removed = await ctx.tx.deleteFrom('merchant_products').where('merchant_id', '=', merchantId).where('product_id', '=', productId)
    .returning('product_id').executeTakeFirst();
  if (removed) await audit(ctx, 'product.withdraw', `product:${productId}`, { merchantId });
  return ok({ merchantId, productId, offered: false });
}
