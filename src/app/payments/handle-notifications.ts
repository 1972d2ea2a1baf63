import { sql } from 'kysely';
import type { GatewayName } from '../../core/payments/payment-status.ts';
import { invariant } from '../../core/result.ts';
import { runTx } from '../../adapters/db/tx.ts';
import type { Actor, TxContext } from '../context.ts';
import type { AppDeps } from '../deps.ts';
import { RepaymentPosting } from '../servicing/batch/post-repayments.ts';
import type { PostedRepayment } from '../servicing/post-repayment.ts';
import type { RepaymentTarget } from '../servicing/repayment-targets.ts';
import { paymentGateways } from './gateways.ts';
import { handleNotification } from './handle-notification.ts';
import type { NotificationCheck, NotificationReply, RawNotification } from './ports.ts';
import type { PaymentRow } from './payment-store.ts';
import { refundOverpayment } from './settle-payment.ts';

const gatewayActor = (name: GatewayName): Actor => ({ kind: 'system', id: `gateway:${name}` });

type Verified = Extract<NotificationCheck, { ok: true }>;
interface Candidate { index: number; check: Verified; payment: PaymentRow }
interface Settled { c: Candidate; verdict: 'posted' | 'duplicate'; posted?: PostedRepayment }

/**
 * A list of gateway notifications, as a gateway that sends them in a burst (or a simulator)
 * delivers them: the common case — a verified, paid notification for a payment still waiting,
 * for the amount asked, whose chosen target can take it — is settled for the whole list in
 * ONE transaction through RepaymentPosting (the same set-based posting postRepayment() is a
 * batch of one of): every customer locked first, then their payments, each posting decided
 * exactly as settlePayment() decides it, written in one statement, the payments marked
 * succeeded and the notifications recorded in the same transaction. A payment already
 * succeeded is a duplicate, as in settlePayment().
 *
 * Everything else goes, after that commit and in list order, through handleNotification()
 * itself, the single-item path: bad signatures, unknown orders, "not paid", amount mismatches,
 * payments paid after expiry, targets no longer payable (its fallback to any amount owed or
 * the credit balance), and every notification of a customer after that customer's first one
 * in the list (so each customer's notifications are settled in list order, one after the
 * other, exactly as one-by-one delivery would). One-by-one and batched delivery of the same
 * list therefore post the same allocations and the same journal (test/payments/handle-notifications.test.ts).
 *
 * Replies come back in list order ("success" only after the posting has committed), with how
 * many notifications the one transaction settled.
 */
export async function handleNotifications(deps: AppDeps, name: GatewayName, raws: readonly RawNotification[]): Promise<{ replies: NotificationReply[]; batched: number }> {
  const replies: (NotificationReply | undefined)[] = new Array(raws.length);
  const gateway = paymentGateways(deps)[name];
  const candidates = gateway ? await batchable(deps, name, raws) : [];
  const settled = candidates.length > 0 ? await settleBatch(deps, name, candidates) : [];
  for (const s of settled) replies[s.c.index] = gateway!.reply(true);
  for (let i = 0; i < raws.length; i++) {
    if (!replies[i]) replies[i] = await handleNotification(deps, name, raws[i]!);
  }
  return { replies: replies as NotificationReply[], batched: settled.length };
}

/** Verified paid notifications for known payments of this gateway, the first per customer (one read for all). */
async function batchable(deps: AppDeps, name: GatewayName, raws: readonly RawNotification[]): Promise<Candidate[]> {
  const gateway = paymentGateways(deps)[name]!;
  const at = deps.clock.now();
  const checks = raws.map((raw) => gateway.verifyNotification(raw, at));
  const paid = checks.flatMap((check, index) => (check.ok && check.paid ? [{ index, check }] : []));
  if (paid.length === 0) return [];
  const rows = await deps.db.selectFrom('payment_orders').innerJoin('payments', (j) => j.onRef('payments.customer_id', '=', 'payment_orders.customer_id').onRef('payments.id', '=', 'payment_orders.payment_id'))
    .selectAll('payments').where('payment_orders.out_trade_no', 'in', [...new Set(paid.map((p) => p.check.outTradeNo))]).execute();
  const byOrder = new Map(rows.map((r) => [r.out_trade_no, r]));
  const seen = new Set<string>();
  const out: Candidate[] = [];
  for (const { index, check } of paid) {
    const payment = byOrder.get(check.outTradeNo);
    if (!payment || payment.gateway !== name) continue;
    // A customer's later notifications wait for the single path, after this one has committed.
    if (seen.has(payment.customer_id)) continue;
    seen.add(payment.customer_id);
    out.push({ index, check, payment });
  }
  return out;
}

/**
 * One transaction: lock the customers (credit lines, in customer_id order) and read their
 * books, lock their payments, decide each posting in memory, write. A candidate this cannot
 * settle as settlePayment() would on its first attempt is left out (nothing of it is written)
 * and goes to the single path.
 */
async function settleBatch(deps: AppDeps, name: GatewayName, candidates: Candidate[]): Promise<Settled[]> {
  const actor = gatewayActor(name);
  // As execute() does for the single path: the business date is read before the transaction.
  const businessDate = await deps.calendar.today();
  return runTx(deps.db, async (tx) => {
    const at = deps.clock.now();
    const ctx: TxContext = { tx, deps, actor, at, businessDate };
    const { posting } = await RepaymentPosting.open(ctx, candidates.map((c) => c.payment.customer_id));
    const locked = await tx.selectFrom('payments').selectAll()
      .where((eb) => eb.or(candidates.map((c) => eb.and([eb('customer_id', '=', c.payment.customer_id), eb('id', '=', c.payment.id)]))))
      .orderBy('customer_id').forUpdate().execute();
    const byId = new Map(locked.map((p) => [p.id, p]));
    const settled: Settled[] = [];
    for (const c of candidates) {
      const p = byId.get(c.payment.id);
      if (!p) continue;
      if (p.status === 'succeeded') { settled.push({ c: { ...c, payment: p }, verdict: 'duplicate' }); continue; }
      // Mismatches and payments paid after expiry raise alerts: the single path's business.
      if (c.check.amount !== p.amount_fen || p.status === 'expired' || p.status === 'failed') continue;
      const r = posting.post({ input: { customerId: p.customer_id, target: p.target as RepaymentTarget, amount: p.amount_fen, channel: p.gateway, externalRef: c.check.gatewayRef }, actor });
      // A target no longer payable: the single path falls back (any amount owed, then the credit balance).
      if (!r.ok) continue;
      settled.push({ c: { ...c, payment: p }, verdict: 'posted', posted: r.value });
    }
    await posting.write();
    const posted = settled.filter((s) => s.verdict === 'posted');
    if (posted.length > 0) {
      const rows = posted.map((s) => ({ customer_id: s.c.payment.customer_id, id: s.c.payment.id, repayment_id: s.posted!.repaymentId, gateway_ref: s.c.check.gatewayRef }));
      const updated = await sql<{ id: string }>`
        update payments p set status = 'succeeded', repayment_id = v.repayment_id, gateway_ref = v.gateway_ref, settled_by = 'notification', settled_at = ${at}, updated_at = ${at}
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(customer_id uuid, id uuid, repayment_id uuid, gateway_ref text)
        where p.customer_id = v.customer_id and p.id = v.id and p.status != 'succeeded' returning p.id`.execute(tx);
      invariant(updated.rows.length === posted.length, 'a payment is settled once, under its lock');
      // One customer per batch, so a refund reads a credit balance no other posting of the batch touches.
      for (const s of posted) if (s.posted!.toCreditBalance > 0) await refundOverpayment(ctx, s.c.payment, s.posted!.repaymentId);
    }
    if (settled.length > 0) {
      await tx.insertInto('payment_notifications').values(settled.map((s) => ({
        id: deps.ids.next(), gateway: name, out_trade_no: s.c.check.outTradeNo, payment_id: s.c.payment.id, verdict: s.verdict,
        reason: null, amount_fen: s.c.check.amount, received_at: at,
      }))).execute();
    }
    return settled;
  });
}
