import type { Fen } from '../../../core/money/fen.ts';
import type { TxContext } from '../../context.ts';
import { originalChannel } from '../../checkout/return-support.ts';
import { channelOf, refundToCustomer } from './refund-to-customer.ts';

/**
 * The money a return gives back (already in the credit balance): through the gateway
 * payments that paid the plan, then — when every payment on the plan came through the
 * sandbox's instant channel — at once through it; anything else stays in the credit balance,
 * refundable on request. Returns the channel the customer is told about.
 */
export async function refundReturn(ctx: TxContext, customerId: string, planId: string, amount: Fen, reason: string): Promise<string | null> {
  if (amount === 0) return null;
  const original = await originalChannel(ctx, customerId, planId);
  const { legs, kept } = await refundToCustomer(ctx, { customerId, amount, kind: 'return', planId, reason, remainder: original === 'sandbox' ? 'sandbox' : 'keep' });
  if (legs.length === 0) return 'credit_balance';
  return kept > 0 ? 'mixed' : channelOf(legs);
}
