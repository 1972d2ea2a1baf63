import type { Db } from '../../adapters/db/tx.ts';
import { pageLimit, pageOf, type Page, type PageInput } from './paging.ts';

/** Never the hash: the prefix is enough to recognise a key in a config file. */
export interface ApiKeyRow {
  id: string; merchant_id: string | null; role: string; name: string; key_prefix: string; created_at: Date; revoked_at: Date | null;
}
export interface ApiKeyFilter extends PageInput { merchantId?: string; role?: string; includeRevoked?: boolean }

export async function listApiKeys(db: Db, filter: ApiKeyFilter): Promise<Page<ApiKeyRow>> {
  const limit = pageLimit(filter);
  let q = db.selectFrom('api_keys').select(['id', 'merchant_id', 'role', 'name', 'key_prefix', 'created_at', 'revoked_at']);
  if (filter.merchantId) q = q.where('merchant_id', '=', filter.merchantId);
  if (filter.role) q = q.where('role', '=', filter.role);
  if (!filter.includeRevoked) q = q.where('revoked_at', 'is', null);
  if (filter.cursor) q = q.where('id', '<', filter.cursor);
  return pageOf(await q.orderBy('id', 'desc').limit(limit + 1).execute(), limit);
}
