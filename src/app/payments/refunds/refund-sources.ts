import { sql } from 'kysely';
import type { Fen } from '../../../core/money/fen.ts';
import type { GatewayName } from '../../../core/payments/payment-status.ts';
import type { Tx } from '../../../adapters/db/tx.ts';
import { paymentsDb } from '../tables.ts';

/** A settled gateway payment that can still take a refund of up to `refundable`. */
export interface RefundSource { paymentId: string; gateway: GatewayName; outTradeNo: string; total: Fen; refundable: Fen }

/**
 * Where a refund can go back the way the money came: the customer's settled gateway payments,
 * newest first, each up to what it paid (for a plan: what it paid to that plan) less what is
 * already being or has been refunded through the gateway from it.
 */
export async function refundSources(tx: Tx, customerId: string, scope: { planId?: string; paymentId?: string }): Promise<RefundSource[]> {
  let q = tx.selectFrom('payments').select(['id', 'gateway', 'out_trade_no', 'amount_fen', 'repayment_id'])
    .where('customer_id', '=', customerId).where('status', '=', 'succeeded');
  if (scope.paymentId) q = q.where('id', '=', scope.paymentId);
  if (scope.planId) q = q.where(sql<boolean>`plan_ids @> ${JSON.stringify([scope.planId])}::jsonb`);
  const payments = await q.orderBy('settled_at', 'desc').orderBy('id', 'desc').execute();
  if (payments.length === 0) return [];
  const ids = payments.map((p) => p.id);
  const refunded = await paymentsDb(tx).selectFrom('refunds').select(['payment_id', (eb) => eb.fn.sum<string>('amount_fen').as('fen')])
    .where('customer_id', '=', customerId).where('payment_id', 'in', ids).where('status', 'in', ['pending', 'succeeded']).groupBy('payment_id').execute();
  const done = new Map(refunded.map((r) => [r.payment_id, Number(r.fen)]));
  let toPlan: Map<string, number> | undefined;
  if (scope.planId) {
    const repaymentIds = payments.map((p) => p.repayment_id).filter((r): r is string => r !== null);
    const rows = repaymentIds.length === 0 ? [] : await tx.selectFrom('allocations').select(['repayment_id', (eb) => eb.fn.sum<string>('amount_fen').as('fen')])
      .where('customer_id', '=', customerId).where('plan_id', '=', scope.planId).where('repayment_id', 'in', repaymentIds).groupBy('repayment_id').execute();
    toPlan = new Map(rows.map((r) => [r.repayment_id, Number(r.fen)]));
  }
  return payments.map((p) => {
    const cap = toPlan ? Math.min(p.amount_fen, toPlan.get(p.repayment_id ?? '') ?? 0) : p.amount_fen;
    return { paymentId: p.id, gateway: p.gateway as GatewayName, outTradeNo: p.out_trade_no, total: p.amount_fen, refundable: Math.max(0, cap - (done.get(p.id) ?? 0)) };
  }).filter((s) => s.refundable > 0);
}
