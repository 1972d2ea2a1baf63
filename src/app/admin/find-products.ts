import type { Db } from '../../adapters/db/tx.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import type { ProductRow } from './save-product-version.ts';

export interface ProductFilter { status?: 'active' | 'retired'; method?: string }

/** Each product at its latest version. A catalogue is small (dozens), so no paging. */
export async function listProducts(db: Db, filter: ProductFilter): Promise<ProductRow[]> {
  let q = db.selectFrom('products as p').selectAll('p')
    .where(({ eb, selectFrom }) => eb('p.version', '=', selectFrom('products as q').select(({ fn }) => fn.max('q.version').as('v')).whereRef('q.id', '=', 'p.id')));
  if (filter.status) q = q.where('p.status', '=', filter.status);
  if (filter.method) q = q.where('p.method', '=', filter.method);
  return q.orderBy('p.code').execute();
}

/** Every version of a product, newest first, and the merchants offering it. */
export async function getProduct(db: Db, productId: string): Promise<Result<{ versions: ProductRow[]; merchantIds: string[] }, DomainError>> {
  const versions = await db.selectFrom('products').selectAll().where('id', '=', productId).orderBy('version', 'desc').execute();
  if (versions.length === 0) return err(domainError('product_not_found', 'no product with that id', 'productId'));
  const offers = await db.selectFrom('merchant_products').select('merchant_id').where('product_id', '=', productId).orderBy('merchant_id').execute();
  return ok({ versions, merchantIds: offers.map((o) => o.merchant_id) });
}
