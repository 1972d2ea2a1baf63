import type { DomainError } from '../../core/errors.ts';
import type { Result } from '../../core/result.ts';
import { REAUTH_WINDOW_MS } from '../../core/auth/otp.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import { loadAccountHolder } from './account-holder.ts';
import { consumeOtp, refused, verified, type Verified } from './otp-codes.ts';

export interface Reauthenticated { validUntil: Date }

/**
 * Re-authentication (POST /v1/auth/reauth): a code sent to the current phone marks this
 * session, and only this one, as confirmed for the next 10 minutes.
 */
export async function reauthenticate(ctx: TxContext, input: { customerId: string; tokenHash: string; code: string }): Promise<Result<Verified<Reauthenticated>, DomainError>> {
  const holder = await loadAccountHolder(ctx, input.customerId);
  if (!holder.ok) return holder;
  const rejected = await consumeOtp(ctx, { phone: holder.value.phone, purpose: 'reauth', binding: input.customerId }, input.code);
  if (rejected) return refused(rejected);
  await ctx.tx.updateTable('sessions').set({ reauthenticated_at: ctx.at })
    .where('token_hash', '=', input.tokenHash).where('customer_id', '=', input.customerId).execute();
  await audit(ctx, 'customer.reauthenticate', `customer:${input.customerId}`);
  return verified({ validUntil: new Date(ctx.at.getTime() + REAUTH_WINDOW_MS) });
}
