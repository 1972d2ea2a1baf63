import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import { mayManageKeyRole } from './create-api-key.ts';
import type { ApiKeyRow } from './list-api-keys.ts';

const COLUMNS = ['id', 'merchant_id', 'role', 'name', 'key_prefix', 'created_at', 'revoked_at'] as const;

/**
 * Revokes a key at once (every request re-reads the key). Revoking a revoked key answers
 * with when it was revoked. The last active admin key cannot be revoked: nobody could issue
 * a new one over the API afterwards.
 */
export async function revokeApiKey(ctx: TxContext, keyId: string): Promise<Result<ApiKeyRow, DomainError>> {
  const key = await ctx.tx.selectFrom('api_keys').select(COLUMNS).where('id', '=', keyId).forUpdate().executeTakeFirst();
  if (!key) return err(domainError('not_found', 'no API key with that id', 'keyId'));
  if (!mayManageKeyRole(ctx.actor, key.role)) return err(domainError('forbidden', `only an admin may revoke ${key.role} keys`, 'keyId'));
  if (key.revoked_at) return ok(key);
  if (key.role === 'admin') {
    // Lock every active admin key so two concurrent revocations cannot each see "one more left".
    const admins = await ctx.tx.selectFrom('api_keys').select('id').where('role', '=', 'admin').where('revoked_at', 'is', null).forUpdate().execute();
    if (admins.length <= 1) return err(domainError('conflict', 'this is the last active admin key; issue another admin key first', 'keyId'));
  }
  const revoked = await ctx.tx.updateTable('api_keys').set({ revoked_at: ctx.at }).where('id', '=', keyId).returning(COLUMNS).executeTakeFirstOrThrow();
  await audit(ctx, 'api_key.revoke', `api_key:${keyId}`, { role: key.role, merchantId: key.merchant_id, prefix: key.key_prefix });
  return ok(revoked);
}
