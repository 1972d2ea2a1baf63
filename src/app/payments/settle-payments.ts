import { sql } from 'kysely';
import type { Fen } from '../../core/money/fen.ts';
import { invariant } from '../../core/result.ts';
import { runTx, type Tx } from '../../adapters/db/tx.ts';
import type { Actor, TxContext } from '../context.ts';
import type { AppDeps } from '../deps.ts';
import { RepaymentPosting } from '../servicing/batch/post-repayments.ts';
import type { PostedRepayment } from '../servicing/post-repayment.ts';
import type { RepaymentTarget } from '../servicing/repayment-targets.ts';
import type { PaymentRow } from './payment-store.ts';
import { refundOverpayment, type SettleSource } from './settle-payment.ts';

/** A payment the gateway says is paid: for how much, its reference there, and who settles it (the audit's actor). */
export interface PaidPayment { payment: PaymentRow; amount: Fen; gatewayRef: string; actor: Actor }
/** What the batch did with one: posted it, or found it already succeeded (a duplicate); `payment` as locked. */
export interface BatchSettled { index: number; payment: PaymentRow; verdict: 'posted' | 'duplicate'; posted?: PostedRepayment }

/**
 * settlePayment() for a list of paid payments, at most one per customer, in ONE transaction
 * through RepaymentPosting (the same set-based posting postRepayment() is a batch of one of):
 * every customer locked first, then their payments, each posting decided exactly as
 * settlePayment() decides it on its first attempt, written in one statement, the payments
 * marked succeeded (settled_by `source`) in one more. A payment already succeeded is a
 * duplicate, as in settlePayment().
 *
 * A payment this cannot settle as settlePayment() would on its first attempt is left out
 * (nothing of it is written) and the caller sends it through settlePayment() itself: amount
 * mismatches and payments paid after expiry (they raise alerts), targets no longer payable
 * (its fallback to any amount owed or the credit balance). `also` writes the caller's own
 * records of the settled ones in the same transaction (the notifications' verdicts).
 */
export async function settlePayments(
  deps: AppDeps, opener: Actor, items: readonly PaidPayment[], source: SettleSource,
  also?: (tx: Tx, at: Date, settled: readonly BatchSettled[]) => Promise<void>,
): Promise<BatchSettled[]> {
  if (items.length === 0) return [];
  invariant(new Set(items.map((i) => i.payment.customer_id)).size === items.length, 'a settlement batch has one payment per customer');
  // As execute() does for the single path: the business date is read before the transaction.
  const businessDate = await deps.calendar.today();
  return runTx(deps.db, async (tx) => {
    const at = deps.clock.now();
    const ctx: TxContext = { tx, deps, actor: opener, at, businessDate };
    const { posting } = await RepaymentPosting.open(ctx, items.map((c) => c.payment.customer_id));
    const locked = await tx.selectFrom('payments').selectAll()
      .where((eb) => eb.or(items.map((c) => eb.and([eb('customer_id', '=', c.payment.customer_id), eb('id', '=', c.payment.id)]))))
      .orderBy('customer_id').forUpdate().execute();
    const byId = new Map(locked.map((p) => [p.id, p]));
    const settled: BatchSettled[] = [];
    items.forEach((c, index) => {
      const p = byId.get(c.payment.id);
      if (!p) return;
      if (p.status === 'succeeded') { settled.push({ index, payment: p, verdict: 'duplicate' }); return; }
      if (c.amount !== p.amount_fen || p.status === 'expired' || p.status === 'failed') return;
      const r = posting.post({ input: { customerId: p.customer_id, target: p.target as RepaymentTarget, amount: p.amount_fen, channel: p.gateway, externalRef: c.gatewayRef }, actor: c.actor });
      if (r.ok) settled.push({ index, payment: p, verdict: 'posted', posted: r.value });
    });
    await posting.write();
    const posted = settled.filter((s) => s.verdict === 'posted');
    if (posted.length > 0) {
      const rows = posted.map((s) => ({ customer_id: s.payment.customer_id, id: s.payment.id, repayment_id: s.posted!.repaymentId, gateway_ref: items[s.index]!.gatewayRef }));
      const updated = await sql<{ id: string }>`
        update payments p set status = 'succeeded', repayment_id = v.repayment_id, gateway_ref = v.gateway_ref, settled_by = ${source}, settled_at = ${at}, updated_at = ${at}
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(customer_id uuid, id uuid, repayment_id uuid, gateway_ref text)
        where p.customer_id = v.customer_id and p.id = v.id and p.status != 'succeeded' returning p.id`.execute(tx);
      invariant(updated.rows.length === posted.length, 'a payment is settled once, under its lock');
      // One customer per batch, so a refund reads a credit balance no other posting of the batch touches.
      for (const s of posted) {
        if (s.posted!.toCreditBalance > 0) await refundOverpayment({ ...ctx, actor: items[s.index]!.actor }, s.payment, s.posted!.repaymentId);
      }
    }
    if (also && settled.length > 0) await also(tx, at, settled);
    return settled;
  });
}
