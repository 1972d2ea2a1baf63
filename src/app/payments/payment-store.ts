import type { Selectable } from 'kysely';
import type { Db, Tx } from '../../adapters/db/tx.ts';
import type { PaymentsTable } from '../../adapters/db/schema.ts';

export type PaymentRow = Selectable<PaymentsTable>;

/** Finds a payment by our out_trade_no through the lookup table (a notification carries nothing else). */
export async function findByOutTradeNo(db: Db | Tx, outTradeNo: string): Promise<PaymentRow | undefined> {
  const order = await db.selectFrom('payment_orders').select(['customer_id', 'payment_id']).where('out_trade_no', '=', outTradeNo).executeTakeFirst();
  if (!order) return undefined;
  return db.selectFrom('payments').selectAll().where('customer_id', '=', order.customer_id).where('id', '=', order.payment_id).executeTakeFirst();
}

export async function findCustomerPayment(db: Db | Tx, customerId: string, paymentId: string): Promise<PaymentRow | undefined> {
  return db.selectFrom('payments').selectAll().where('customer_id', '=', customerId).where('id', '=', paymentId).executeTakeFirst();
}

export async function recordNotification(db: Db | Tx, n: {
  id: string; gateway: string; outTradeNo: string | null; paymentId: string | null;
  verdict: 'posted' | 'duplicate' | 'not_paid' | 'rejected' | 'mismatch'; reason: string | null; amount: number | null; at: Date;
}): Promise<void> {
  await db.insertInto('payment_notifications').values({
    id: n.id, gateway: n.gateway, out_trade_no: n.outTradeNo, payment_id: n.paymentId, verdict: n.verdict,
    reason: n.reason, amount_fen: n.amount, received_at: n.at,
  }).execute();
}
