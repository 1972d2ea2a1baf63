import { hashToken } from '../../adapters/http/auth.ts';
import type { DomainError } from '../../core/errors.ts';
import { ok, type Result } from '../../core/result.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';

/**
 * Signs out: the session's token stops working at once, wherever a copy of the cookie is.
 * Signing out of an unknown or already ended session does nothing and is not an error (a
 * second click on "sign out" must not show a failure).
 */
export async function endStaffSession(ctx: TxContext, input: { token: string }): Promise<Result<{ ended: boolean }, DomainError>> {
  const ended = await ctx.tx.updateTable('staff_sessions').set({ revoked_at: ctx.at })
    .where('token_hash', '=', hashToken(input.token)).where('revoked_at', 'is', null)
    .returning(['api_key_id', 'surface']).executeTakeFirst();
  if (ended) await audit(ctx, 'staff.sign_out', `api_key:${ended.api_key_id}`, { surface: ended.surface });
  return ok({ ended: Boolean(ended) });
}
