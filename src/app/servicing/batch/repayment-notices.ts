import type { NoticeRequest } from '../../notices/enqueue-notice.ts';
import type { PostedRepayment } from '../post-repayment.ts';

/**
 * What a posted repayment tells the customer: a receipt (payment_received, keyed by the
 * repayment, so a replayed request never sends a second one) and plan_paid_off for each plan
 * it paid off. Money taken from the customer's own credit balance is not a payment received:
 * it has no receipt, but a plan it pays off is announced.
 */
export function repaymentNotices(r: PostedRepayment, channel: string): NoticeRequest[] {
  const notices: NoticeRequest[] = [];
  if (channel !== 'credit_balance') {
    notices.push({
      kind: 'payment_received', customerId: r.customerId, businessDate: r.businessDate, ref: r.repaymentId,
      facts: { amountFen: r.amount, paidOn: r.businessDate },
    });
  }
  for (const planId of r.paidOffPlanIds) {
    notices.push({ kind: 'plan_paid_off', customerId: r.customerId, businessDate: r.businessDate, planId, ref: r.repaymentId });
  }
  return notices;
}
