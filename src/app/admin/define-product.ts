import type { DomainError } from '../../core/errors.ts';
import type { Result } from '../../core/result.ts';
import type { TxContext } from '../context.ts';
import { newProductSlot, nextVersionSlot, saveProductVersion, type DefinedProduct, type ProductTermsInput } from './save-product-version.ts';

export interface DefineProductInput extends ProductTermsInput {
  /** Unique across products; a product keeps its code in every version. */
  code: string;
  /** Present to publish a new version of an existing product (same as publishProductVersion). */
  productId?: string;
}

export type { DefinedProduct, ProductRow } from './save-product-version.ts';
export { DEFAULT_LATE_CHARGE_RULE } from './product-rules.ts';
export { DEFAULT_PAYOFF_POLICY } from '../../core/payoff/payoff-policy.ts';
export { DEFAULT_ALLOCATION_STRATEGY as DEFAULT_ALLOCATION } from '../../core/allocation/registry.ts';
/** Kept here for callers written before offering had its own file. */
export { offerProduct } from './offer-product.ts';

/** Defines a product (version 1), validated in full before anything is written. */
export async function defineProduct(ctx: TxContext, input: DefineProductInput): Promise<Result<DefinedProduct, DomainError>> {
  const { productId } = input;
  return saveProductVersion(ctx, input, () => (productId ? nextVersionSlot(ctx, productId, input.code) : newProductSlot(ctx, input.code)));
}
