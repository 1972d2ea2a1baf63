import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { isRecentReauth, REAUTH_WINDOW_MS } from '../../core/auth/otp.ts';
import type { TxContext } from '../context.ts';

export interface AccountHolder { customerId: string; phone: string }

/**
 * The signed-in customer's current phone. A cancelled account has none (it was erased), and
 * its sessions were revoked with it, so reaching this without one means the request raced
 * the cancellation.
 */
export async function loadAccountHolder(ctx: TxContext, customerId: string): Promise<Result<AccountHolder, DomainError>> {
  const row = await ctx.tx.selectFrom('customers').select(['phone', 'status']).where('id', '=', customerId).executeTakeFirst();
  if (!row) return err(domainError('customer_not_found', 'no such customer'));
  if (row.status !== 'active' || !row.phone) return err(domainError('account_cancelled', 'this account is cancelled'));
  return ok({ customerId, phone: row.phone });
}

/**
 * Sensitive actions (change phone, cancel the account) need a code entered on this very
 * session within the last 10 minutes: a stolen or forgotten-open session alone cannot take
 * over or close the account. Logging in with a code counts as such a re-authentication.
 */
export async function requireRecentReauth(ctx: TxContext, tokenHash: string): Promise<Result<void, DomainError>> {
  const session = await ctx.tx.selectFrom('sessions').select('reauthenticated_at').where('token_hash', '=', tokenHash).executeTakeFirst();
  if (isRecentReauth(session?.reauthenticated_at ?? null, ctx.at)) return ok(undefined);
  return err(domainError('reauthentication_required', `confirm it is you: request a code (POST /v1/auth/reauth/otp) and enter it (POST /v1/auth/reauth); it stays valid ${REAUTH_WINDOW_MS / 60_000} minutes`));
}
