import type { Selectable } from 'kysely';
import type { Db, Tx } from '../../adapters/db/tx.ts';
import type { MerchantsTable } from '../../adapters/db/schema.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { pageLimit, pageOf, type Page, type PageInput } from './paging.ts';

/** A merchant as operators see it: everything but the webhook secret, which is shown once. */
export type MerchantRow = Omit<Selectable<MerchantsTable>, 'webhook_secret'>;
export interface MerchantDetail {
  merchant: MerchantRow;
  products: { id: string; code: string; name: string; status: string }[];
  activeApiKeys: number;
  pendingDeliveries: number;
}

const COLUMNS = ['id', 'name', 'webhook_url', 'status', 'created_at'] as const;

export async function listMerchants(db: Db, input: PageInput): Promise<Page<MerchantRow>> {
  const limit = pageLimit(input);
  let q = db.selectFrom('merchants').select(COLUMNS);
  if (input.cursor) q = q.where('id', '<', input.cursor);
  return pageOf(await q.orderBy('id', 'desc').limit(limit + 1).execute(), limit);
}

export async function findMerchant(db: Db | Tx, merchantId: string): Promise<Result<MerchantRow, DomainError>> {
  const m = await db.selectFrom('merchants').select(COLUMNS).where('id', '=', merchantId).executeTakeFirst();
  return m ? ok(m) : err(domainError('merchant_not_found', 'no merchant with that id', 'merchantId'));
}

export async function getMerchant(db: Db, merchantId: string): Promise<Result<MerchantDetail, DomainError>> {
  const found = await findMerchant(db, merchantId);
  if (!found.ok) return found;
  // Offered products, each at its latest version (a product's code and name can change by version).
  const products = await db.selectFrom('merchant_products as mp').innerJoin('products as p', 'p.id', 'mp.product_id')
    .select(['p.id', 'p.code', 'p.name', 'p.status']).where('mp.merchant_id', '=', merchantId)
    .where(({ eb, selectFrom }) => eb('p.version', '=', selectFrom('products as q').select(({ fn }) => fn.max('q.version').as('v')).whereRef('q.id', '=', 'p.id')))
    .orderBy('p.code').execute();
  const keys = await db.selectFrom('api_keys').select(({ fn }) => fn.countAll<number>().as('n'))
    .where('merchant_id', '=', merchantId).where('revoked_at', 'is', null).executeTakeFirstOrThrow();
  const pending = await db.selectFrom('webhook_deliveries').select(({ fn }) => fn.countAll<number>().as('n'))
    .where('merchant_id', '=', merchantId).where('status', '=', 'pending').executeTakeFirstOrThrow();
  return ok({ merchant: found.value, products, activeApiKeys: Number(keys.n), pendingDeliveries: Number(pending.n) });
}
