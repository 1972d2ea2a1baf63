import { ok, type Result } from '../../core/result.ts';
import type { DomainError } from '../../core/errors.ts';
import type { Notification } from '../ports.ts';
import type { TxContext } from '../context.ts';
import { findCustomerIdByPhone } from './find-or-create-customer.ts';
import { issueOtp, otpNotice } from './otp-codes.ts';

export interface OtpSent {
  /** The SMS to send after commit; null when there is nobody to send it to. */
  notice: Notification | null;
  expiresAt: Date;
}

/**
 * Step one of login (POST /v1/auth/otp). The answer must not tell who is a customer, so an
 * unknown phone gets the same response, the same rate limits and a stored code too (later
 * tries then fail the same way) — only the code is never texted, since there is no account
 * to open: customers are created by a merchant's checkout, not by logging in.
 */
export async function sendLoginOtp(ctx: TxContext, input: { phone: string }): Promise<Result<OtpSent, DomainError>> {
  const customerId = await findCustomerIdByPhone(ctx, input.phone);
  const target = { phone: input.phone, purpose: 'login' as const, binding: '' };
  const issued = await issueOtp(ctx, target);
  if (!issued.ok) return issued;
  return ok({ notice: customerId ? otpNotice(target, issued.value) : null, expiresAt: issued.value.expiresAt });
}
