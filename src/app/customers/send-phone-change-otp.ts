import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import type { TxContext } from '../context.ts';
import { loadAccountHolder, requireRecentReauth } from './account-holder.ts';
import { issueOtp, otpNotice } from './otp-codes.ts';
import type { OtpSent } from './send-login-otp.ts';

export interface PhoneChangeOtpInput { customerId: string; tokenHash: string; newPhone: string }

/**
 * Step one of changing the phone (POST /v1/me/account/phone/otp): a code goes to the NEW
 * phone, proving the customer holds it. Whether another customer already uses that phone is
 * told only at step two, to whoever proved they hold it — answering here would let any
 * signed-in customer probe which phones are customers.
 */
export async function sendPhoneChangeOtp(ctx: TxContext, input: PhoneChangeOtpInput): Promise<Result<OtpSent, DomainError>> {
  const fresh = await requireRecentReauth(ctx, input.tokenHash);
  if (!fresh.ok) return fresh;
  const holder = await loadAccountHolder(ctx, input.customerId);
  if (!holder.ok) return holder;
  if (holder.value.phone === input.newPhone) return err(domainError('validation_failed', 'that is already your phone number', 'newPhone'));
  const target = { phone: input.newPhone, purpose: 'phone_change' as const, binding: input.customerId };
  const issued = await issueOtp(ctx, target);
  if (!issued.ok) return issued;
  return ok({ notice: otpNotice(target, issued.value), expiresAt: issued.value.expiresAt });
}
