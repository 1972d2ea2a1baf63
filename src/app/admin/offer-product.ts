import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';

export interface Offer { merchantId: string; productId: string; offered: boolean }

/** Both must exist; the product's latest version is what checkout will use. */
export async function checkOfferPair(ctx: TxContext, merchantId: string, productId: string): Promise<Result<{ retired: boolean }, DomainError>> {
  const m = await ctx.tx.selectFrom('merchants').select('id').where('id', '=', merchantId).executeTakeFirst();
  if (!m) return err(domainError('merchant_not_found', 'no merchant with that id', 'merchantId'));
  const p = await ctx.tx.selectFrom('products').select('status').where('id', '=', productId).orderBy('version', 'desc').limit(1).executeTakeFirst();
  if (!p) return err(domainError('product_not_found', 'no product with that id', 'productId'));
  return ok({ retired: p.status === 'retired' });
}

/** Lets a merchant offer a product at checkout. Offering it again changes nothing. */
export async function offerProduct(ctx: TxContext, merchantId: string, productId: string): Promise<Result<Offer, DomainError>> {
  const pair = await checkOfferPair(ctx, merchantId, productId);
  if (!pair.ok) return pair;
  if (pair.value.retired) return err(domainError('conflict', 'this product is retired and cannot be offered', 'productId'));
  const added = await ctx.tx.insertInto('merchant_products').values({ merchant_id: merchantId, product_id: productId })
    .onConflict((oc) => oc.columns(['merchant_id', 'product_id']).doNothing()).returning('product_id').executeTakeFirst();
  if (added) await audit(ctx, 'product.offer', `product:${productId}`, { merchantId });
  return ok({ merchantId, productId, offered: true });
}
