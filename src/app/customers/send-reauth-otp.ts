import { ok, type Result } from '../../core/result.ts';
import type { DomainError } from '../../core/errors.ts';
import type { TxContext } from '../context.ts';
import { loadAccountHolder } from './account-holder.ts';
import { issueOtp, otpNotice } from './otp-codes.ts';
import type { OtpSent } from './send-login-otp.ts';

/** Sends a re-authentication code to the signed-in customer's current phone (POST /v1/auth/reauth/otp). */
export async function sendReauthOtp(ctx: TxContext, input: { customerId: string }): Promise<Result<OtpSent, DomainError>> {
  const holder = await loadAccountHolder(ctx, input.customerId);
  if (!holder.ok) return holder;
  const target = { phone: holder.value.phone, purpose: 'reauth' as const, binding: input.customerId };
  const issued = await issueOtp(ctx, target);
  if (!issued.ok) return issued;
  return ok({ notice: otpNotice(target, issued.value), expiresAt: issued.value.expiresAt });
}
