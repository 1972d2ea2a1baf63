import type { Db } from '../../adapters/db/tx.ts';
import type { PaymentRow } from './payment-store.ts';

/** A customer's payments, newest first (in-flight ones show as processing). */
export async function listCustomerPayments(db: Db, customerId: string, limit: number): Promise<PaymentRow[]> {
  return db.selectFrom('payments').selectAll().where('customer_id', '=', customerId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/**
 * Payments in flight for a customer, for the views and the daily close: an installment a
 * payment is in flight for shows as processing (处理中), not unpaid, and is not charged late
 * for a delay that is the gateway's. `businessDate` is the day the customer paid.
 */
export async function inFlightPayments(db: Db, customerId: string): Promise<{ paymentId: string; planIds: string[]; target: unknown; amountFen: number; businessDate: string }[]> {
  const rows = await db.selectFrom('payments').select(['id', 'plan_ids', 'target', 'amount_fen', 'business_date'])
    .where('customer_id', '=', customerId).where('status', 'in', ['created', 'pending']).execute();
  return rows.map((r) => ({ paymentId: r.id, planIds: r.plan_ids as string[], target: r.target, amountFen: r.amount_fen, businessDate: r.business_date }));
}
