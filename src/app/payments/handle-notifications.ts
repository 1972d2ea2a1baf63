import type { GatewayName } from '../../core/payments/payment-status.ts';
import type { Actor } from '../context.ts';
import type { AppDeps } from '../deps.ts';
import { paymentGateways } from './gateways.ts';
import { handleNotification } from './handle-notification.ts';
import type { NotificationCheck, NotificationReply, RawNotification } from './ports.ts';
import type { PaymentRow } from './payment-store.ts';
import { settlePayments } from './settle-payments.ts';

const gatewayActor = (name: GatewayName): Actor => ({ kind: 'system', id: `gateway:${name}` });

type Verified = Extract<NotificationCheck, { ok: true }>;
interface Candidate { index: number; check: Verified; payment: PaymentRow }
interface Settled { c: Candidate; verdict: 'posted' | 'duplicate' }

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

/** The common case for the whole list in one transaction (settle-payments.ts), each notification's verdict recorded in it. */
async function settleBatch(deps: AppDeps, name: GatewayName, candidates: Candidate[]): Promise<Settled[]> {
  const actor = gatewayActor(name);
  const items = candidates.map((c) => ({ payment: c.payment, amount: c.check.amount, gatewayRef: c.check.gatewayRef, actor }));
  const settled = await settlePayments(deps, actor, items, 'notification', async (tx, at, done) => {
    await tx.insertInto('payment_notifications').values(done.map((s) => ({
      id: deps.ids.next(), gateway: name, out_trade_no: candidates[s.index]!.check.outTradeNo, payment_id: s.payment.id, verdict: s.verdict,
      reason: null, amount_fen: candidates[s.index]!.check.amount, received_at: at,
    }))).execute();
  });
  return settled.map((s) => ({ c: candidates[s.index]!, verdict: s.verdict }));
}
