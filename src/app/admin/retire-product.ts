import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';

/**
 * Retires a product (every version): checkout and quotes stop offering it at once, while
 * plans already made from it keep their own copy of the terms and run to the end. Retiring
 * is final; a replacement is a new product. Retiring twice changes nothing.
 */
export async function retireProduct(ctx: TxContext, productId: string): Promise<Result<{ productId: string; status: 'retired' }, DomainError>> {
  const versions = await ctx.tx.selectFrom('products').select(['version', 'status', 'code']).where('id', '=', productId).forUpdate().execute();
  if (versions.length === 0) return err(domainError('product_not_found', 'no product with that id', 'productId'));
  if (versions.some((v) => v.status === 'active')) {
    await ctx.tx.updateTable('products').set({ status: 'retired' }).where('id', '=', productId).execute();
    await audit(ctx, 'product.retire', `product:${productId}`, { code: versions[0]!.code, versions: versions.length });
  }
  return ok({ productId, status: 'retired' });
}
