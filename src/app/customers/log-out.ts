import { ok, type Result } from '../../core/result.ts';
import type { DomainError } from '../../core/errors.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';

/** Ends the session that made the request (POST /v1/auth/logout); other devices stay signed in. */
export async function logOut(ctx: TxContext, input: { customerId: string; tokenHash: string }): Promise<Result<void, DomainError>> {
  await ctx.tx.updateTable('sessions').set({ revoked_at: ctx.at })
    .where('token_hash', '=', input.tokenHash).where('customer_id', '=', input.customerId).where('revoked_at', 'is', null).execute();
  await audit(ctx, 'customer.logout', `customer:${input.customerId}`);
  return ok(undefined);
}
