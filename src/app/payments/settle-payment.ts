import type { Fen } from '../../core/money/fen.ts';
import { formatYuan } from '../../core/money/parse.ts';
import { ok, invariant, type Result } from '../../core/result.ts';
import type { DomainError } from '../../core/errors.ts';
import { outTradeNoOf } from '../../core/payments/payment-status.ts';
import { lockCustomer } from '../../adapters/db/plan-store.ts';
import type { TxContext } from '../context.ts';
import { postRepayment } from '../servicing/post-repayment.ts';
import type { RepaymentTarget } from '../servicing/repayment-targets.ts';
import { raiseAlert } from './alerts.ts';
import { depositToCreditBalance } from './credit-deposit.ts';
import type { PaymentRow } from './payment-store.ts';
import { refundToCustomer } from './refunds/refund-to-customer.ts';

export type SettleSource = 'notification' | 'query' | 'return' | 'reconciliation' | 'autodebit';
export interface SettleInput { amount: Fen; gatewayRef: string; source: SettleSource }
export type Settled =
  | { outcome: 'posted'; paymentId: string; repaymentId: string; fallback: boolean }
  | { outcome: 'already_settled'; paymentId: string; repaymentId: string }
  | { outcome: 'mismatch'; paymentId: string }
  | { outcome: 'unknown_payment' };

/**
 * The one way a gateway payment becomes a repayment, exactly once. Locks the customer (first
 * in the lock order), then the payment row; a payment already succeeded is a no-op, so
 * concurrent duplicate notifications, the status poller and replays days later all end in one
 * posting. The status moves to succeeded in the same transaction as the posting.
 *
 * The amount must equal what we asked for: a validly signed notification for another amount
 * posts nothing and raises an alert (a provider bug, or a key in the wrong hands).
 */
export async function settlePayment(ctx: TxContext, paymentId: string, input: SettleInput): Promise<Result<Settled, DomainError>> {
  const order = await ctx.tx.selectFrom('payment_orders').select(['customer_id']).where('out_trade_no', '=', outTradeNoOf(paymentId)).executeTakeFirst();
  if (!order) return ok({ outcome: 'unknown_payment' });
  await lockCustomer(ctx.tx, order.customer_id);
  const p = await ctx.tx.selectFrom('payments').selectAll().where('customer_id', '=', order.customer_id).where('id', '=', paymentId).forUpdate().executeTakeFirst();
  if (!p) return ok({ outcome: 'unknown_payment' });
  if (p.status === 'succeeded') return ok({ outcome: 'already_settled', paymentId, repaymentId: p.repayment_id! });
  if (input.amount !== p.amount_fen) {
    await raiseAlert(ctx.tx, ctx.deps.ids, ctx.at, {
      kind: 'notification_mismatch', severity: 'critical', gateway: p.gateway, outTradeNo: p.out_trade_no,
      message: `${p.gateway} reports ${formatYuan(input.amount)} paid for a payment of ${formatYuan(p.amount_fen)}; nothing was posted`,
      details: { paymentId, customerId: p.customer_id, reportedFen: input.amount, expectedFen: p.amount_fen, gatewayRef: input.gatewayRef, source: input.source },
      dedupKey: `mismatch:${p.gateway}:${p.out_trade_no}:${input.amount}`,
    });
    return ok({ outcome: 'mismatch', paymentId });
  }
  const { repaymentId, fallback } = await post(ctx, p, input.gatewayRef);
  if (p.status === 'expired' || p.status === 'failed') {
    await raiseAlert(ctx.tx, ctx.deps.ids, ctx.at, {
      kind: 'paid_after_expiry', severity: 'info', gateway: p.gateway, outTradeNo: p.out_trade_no,
      message: `a ${p.status} payment was paid after all; it was posted`, details: { paymentId, previousStatus: p.status }, dedupKey: `late:${p.out_trade_no}`,
    });
  }
  const updated = await ctx.tx.updateTable('payments').set({
    status: 'succeeded', repayment_id: repaymentId, gateway_ref: input.gatewayRef, settled_by: input.source, settled_at: ctx.at, updated_at: ctx.at,
  }).where('customer_id', '=', p.customer_id).where('id', '=', paymentId).where('status', '!=', 'succeeded').executeTakeFirst();
  invariant(Number(updated.numUpdatedRows) === 1, 'a payment is settled once, under its lock');
  await refundOverpayment(ctx, p, repaymentId);
  return ok({ outcome: 'posted', paymentId, repaymentId, fallback });
}

/**
 * Posts against what the customer chose; when that is no longer possible (paid meanwhile by
 * another channel, a payoff quote that moved, a plan returned), against whatever is owed;
 * and when nothing is owed, to the credit balance. Money that arrived is never refused.
 */
async function post(ctx: TxContext, p: PaymentRow, gatewayRef: string): Promise<{ repaymentId: string; fallback: boolean }> {
  const target = p.target as RepaymentTarget;
  const base = { customerId: p.customer_id, amount: p.amount_fen, channel: p.gateway, externalRef: gatewayRef } as const;
  const first = await postRepayment(ctx, { ...base, target });
  if (first.ok) return { repaymentId: first.value.repaymentId, fallback: false };
  const planId = 'planId' in target ? target.planId : undefined;
  const attempts: RepaymentTarget[] = planId ? [{ kind: 'amount', planId }, { kind: 'amount' }] : [{ kind: 'amount' }];
  for (const t of attempts) {
    const r = await postRepayment(ctx, { ...base, target: t });
    if (r.ok) return { repaymentId: r.value.repaymentId, fallback: true };
  }
  return { repaymentId: await depositToCreditBalance(ctx, p.customer_id, p.amount_fen, p.gateway, gatewayRef), fallback: true };
}

/**
 * Money that arrived for nothing owed (paid meanwhile by another channel, more than was due)
 * went to the credit balance: it goes back through the payment that brought it, recorded
 * here and sent by the refund dispatcher ("both are reconciled and the extra is refunded").
 */
export async function refundOverpayment(ctx: TxContext, p: PaymentRow, repaymentId: string): Promise<void> {
  const r = await ctx.tx.selectFrom('repayments').select('to_credit_balance_fen').where('customer_id', '=', p.customer_id).where('id', '=', repaymentId).executeTakeFirstOrThrow();
  if (r.to_credit_balance_fen <= 0) return;
  await refundToCustomer(ctx, {
    customerId: p.customer_id, amount: r.to_credit_balance_fen, kind: 'overpayment', paymentId: p.id, remainder: 'keep',
    reason: `溢缴款退回 overpayment of payment ${p.out_trade_no}`,
  });
}
