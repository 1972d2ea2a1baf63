import { domainError, type DomainError } from '../../core/errors.ts';
import type { Fen } from '../../core/money/fen.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { formatYuan } from '../../core/money/parse.ts';
import { lockCustomer } from '../../adapters/db/plan-store.ts';
import type { TxContext } from '../context.ts';
import { channelOf, refundToCustomer, type RefundLeg } from '../payments/refunds/refund-to-customer.ts';

export interface RefundCreditBalanceInput {
  customerId: string;
  amount?: Fen;
  /** What no gateway payment can take back: 'sandbox' pays at once (demo), 'manual' is a payout for finance. */
  channel: 'sandbox' | 'manual';
}
export interface RefundedCreditBalance { refundId: string; amount: Fen; channel: string; status: 'pending' | 'succeeded' | 'manual'; legs: RefundLeg[] }

/**
 * 溢缴款退回: pays a credit balance back to the customer, through the gateway payments it came
 * from where they can take it (sent by the refund dispatcher after commit), the rest per
 * `channel`. refundId and status are the first leg's; `legs` lists them all.
 */
export async function refundCreditBalance(ctx: TxContext, input: RefundCreditBalanceInput): Promise<Result<RefundedCreditBalance, DomainError>> {
  const line = await lockCustomer(ctx.tx, input.customerId);
  if (!line) return err(domainError('customer_not_found', 'no such customer'));
  const amount = input.amount ?? line.credit_balance_fen;
  if (amount <= 0 || amount > line.credit_balance_fen) {
    return err(domainError('credit_balance_insufficient', `the credit balance is ${formatYuan(line.credit_balance_fen)}`, 'amount'));
  }
  const { legs } = await refundToCustomer(ctx, { customerId: input.customerId, amount, kind: 'credit_balance', reason: '溢缴款退回 credit balance refund', remainder: input.channel });
  const first = legs[0]!;
  return ok({ refundId: first.refundId, amount, channel: channelOf(legs)!, status: first.status, legs });
}
