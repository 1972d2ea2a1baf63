import type { DomainError } from '../../core/errors.ts';
import type { Result } from '../../core/result.ts';
import type { TxContext } from '../context.ts';
import { nextVersionSlot, saveProductVersion, type DefinedProduct, type ProductTermsInput } from './save-product-version.ts';

/**
 * Publishes a new version of a product: new plans use it at once, plans already made keep
 * the version they were made from. Earlier versions are never edited.
 */
export async function publishProductVersion(ctx: TxContext, productId: string, input: ProductTermsInput): Promise<Result<DefinedProduct, DomainError>> {
  return saveProductVersion(ctx, input, () => nextVersionSlot(ctx, productId));
}
