import { domainError, type DomainError } from '../../core/errors.ts';
import type { Result } from '../../core/result.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import { findCustomerIdByPhone } from './find-or-create-customer.ts';
import { consumeOtp, refused, verified, type Verified } from './otp-codes.ts';
import { startSession } from './sessions.ts';

export interface LoginInput {
  phone: string;
  code: string;
  /** Hash of the session token the client still held, if any: it ends as the new one starts. */
  replacesTokenHash?: string;
}

export interface LoggedIn { customerId: string; token: string; expiresAt: Date }

/**
 * Step two of login (POST /v1/auth/login): a correct code opens a brand-new session (rotation:
 * a token is never reused across logins, so a token captured before login is worthless after).
 * A phone that is not a customer fails exactly like a wrong code, and nothing is created.
 */
export async function logInWithOtp(ctx: TxContext, input: LoginInput): Promise<Result<Verified<LoggedIn>, DomainError>> {
  const rejected = await consumeOtp(ctx, { phone: input.phone, purpose: 'login', binding: '' }, input.code);
  if (rejected) return refused(rejected);
  const customerId = await findCustomerIdByPhone(ctx, input.phone);
  if (!customerId) return refused(domainError('otp_invalid', 'wrong code; request a new one', 'code'));
  if (input.replacesTokenHash) {
    await ctx.tx.updateTable('sessions').set({ revoked_at: ctx.at })
      .where('token_hash', '=', input.replacesTokenHash).where('revoked_at', 'is', null).execute();
  }
  const session = await startSession(ctx, customerId);
  await audit(ctx, 'customer.login', `customer:${customerId}`, { method: 'otp' });
  return verified({ customerId, ...session });
}
