import type { BusinessDate } from '../../core/calendar/business-date.ts';
import type { DomainError } from '../../core/errors.ts';
import type { Fen } from '../../core/money/fen.ts';
import type { Result } from '../../core/result.ts';
import { outstandingTotal } from '../../core/servicing/installment-state.ts';
import type { TxContext } from '../context.ts';
import type { CustomerBook } from './customer-book.ts';
import type { RepaymentTarget } from './repayment-targets.ts';
import type { PlanAllocation } from './plan-allocation.ts';
import { postRepayments } from './batch/post-repayments.ts';

export const REPAYMENT_CHANNELS = ['sandbox', 'alipay', 'wechatpay', 'bank', 'manual', 'credit_balance'] as const;
export type RepaymentChannel = (typeof REPAYMENT_CHANNELS)[number];

export interface PostRepaymentInput {
  customerId: string;
  target: RepaymentTarget;
  amount: Fen;
  channel: RepaymentChannel;
  externalRef?: string;
}

export interface PostedRepayment {
  repaymentId: string;
  customerId: string;
  kind: RepaymentTarget['kind'];
  amount: Fen;
  applied: Fen;
  toCreditBalance: Fen;
  charges: Fen;
  parts: PlanAllocation[];
  waived: PlanAllocation[];
  paidOffPlanIds: string[];
  businessDate: BusinessDate;
}

/**
 * 还款入账: posts money that has already arrived (a settled channel payment, or the customer's
 * credit balance) against what the customer owes, in the caller's transaction: installments'
 * paid columns, payoff waivers, the credit line restored by the principal repaid (at once — the
 * complaint this fixes is a line that stays used after repayment), any overpayment to the
 * credit balance, repayment and allocation rows, the journal entry, events and audit.
 *
 * A batch of one of the set-based postRepayments (batch/post-repayments.ts), which is the one
 * implementation; the customer repayment route batches concurrent requests through it.
 */
export async function postRepayment(ctx: TxContext, input: PostRepaymentInput): Promise<Result<PostedRepayment, DomainError>> {
  const [result] = await postRepayments(ctx, [{ input, actor: ctx.actor }]);
  return result!;
}

export const isOwed = (book: CustomerBook) => book.plans.some((p) => p.states.some((i) => outstandingTotal(i) > 0));
