import { ok, err, type Result } from '../../core/result.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import { API_KEY_PREFIX, hashToken, newToken } from '../../adapters/http/auth.ts';
import { audit } from '../audit.ts';
import type { Actor, TxContext } from '../context.ts';

export const API_KEY_ROLES = ['merchant', 'admin', 'operator', 'agent', 'supervisor', 'auditor'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

export interface CreateApiKeyInput { role: ApiKeyRole; merchantId?: string; name: string; token?: string }
export interface CreatedApiKey { keyId: string; role: ApiKeyRole; merchantId: string | null; token: string; prefix: string }

/**
 * Who may issue or revoke a key of a role: staff keys only an admin (anything else would let
 * a role grant itself more), merchant keys also an operator, who onboards merchants.
 */
export function mayManageKeyRole(actor: Actor, role: string): boolean {
  if (actor.kind === 'system') return true;
  if (actor.kind !== 'staff') return false;
  return actor.role === 'admin' || (actor.role === 'operator' && role === 'merchant');
}

/** Issues an API key; the token is returned once and only its hash is stored. */
export async function createApiKey(ctx: TxContext, input: CreateApiKeyInput): Promise<Result<CreatedApiKey, DomainError>> {
  if (!mayManageKeyRole(ctx.actor, input.role)) return err(domainError('forbidden', `only an admin may issue ${input.role} keys`, 'role'));
  if ((input.role === 'merchant') !== Boolean(input.merchantId)) {
    return err(domainError('validation_failed', 'a merchant key needs merchantId, a staff key must not have one', 'merchantId'));
  }
  if (input.merchantId) {
    const m = await ctx.tx.selectFrom('merchants').select('id').where('id', '=', input.merchantId).executeTakeFirst();
    if (!m) return err(domainError('merchant_not_found', 'no merchant with that id', 'merchantId'));
  }
  const token = input.token ?? newToken(API_KEY_PREFIX);
  const keyId = ctx.deps.ids.next();
  const prefix = token.slice(0, 10);
  await ctx.tx.insertInto('api_keys').values({
    id: keyId, merchant_id: input.merchantId ?? null, role: input.role, name: input.name, key_hash: hashToken(token),
    key_prefix: prefix, created_at: ctx.at, revoked_at: null,
  }).onConflict((oc) => oc.column('key_hash').doNothing()).execute();
  await audit(ctx, 'api_key.create', `api_key:${keyId}`, { role: input.role, merchantId: input.merchantId ?? null, name: input.name, prefix });
  return ok({ keyId, role: input.role, merchantId: input.merchantId ?? null, token, prefix });
}
