import { domainError, type DomainError } from '../../core/errors.ts';

/**
 * "Never asked to pay twice": while a gateway payment is in flight, paying the same plans
 * again (at the cashier or through POST /v1/me/repayments) is refused with this error.
 */
export function paymentInFlight(paymentId: string): DomainError {
  return domainError('payment_in_flight',
    '一笔付款正在处理中，请勿重复支付。A payment for this is still being processed: wait for its result (or for it to expire) before paying again.',
    undefined, { paymentId, paymentStatus: 'processing' });
}

/**
 * Whether a payment in flight covers any of `planIds`; `undefined` planIds means "whatever the
 * customer owes" (a bill, an amount without a plan), which any payment in flight may cover.
 */
export function clashingPayment(inFlight: { id: string; plan_ids: unknown }[], planIds: readonly string[] | undefined): string | undefined {
  const hit = inFlight.find((p) => planIds === undefined || (p.plan_ids as string[]).some((id) => planIds.includes(id)));
  return hit?.id;
}
