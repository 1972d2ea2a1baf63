import { formatYuan } from '../../core/money/parse.ts';
import type { GatewayName } from '../../core/payments/payment-status.ts';
import { runTx } from '../../adapters/db/tx.ts';
import type { Actor } from '../context.ts';
import type { AppDeps } from '../deps.ts';
import { execute } from '../execute.ts';
import { raiseAlert } from './alerts.ts';
import { paymentGateways } from './gateways.ts';
import type { NotificationReply, RawNotification } from './ports.ts';
import { findByOutTradeNo, recordNotification } from './payment-store.ts';
import { settlePayment } from './settle-payment.ts';
import { crashPoint } from './crash-points.ts';

const gatewayActor = (name: GatewayName): Actor => ({ kind: 'system', id: `gateway:${name}` });

/**
 * An asynchronous notification from a gateway. Verified by the gateway's adapter (signature,
 * our app/merchant), matched to our payment (order number, gateway, amount), then settled
 * exactly once. The gateway hears "success" only after the posting (or the record that it
 * was already posted) has committed; anything else makes it try again later.
 */
export async function handleNotification(deps: AppDeps, name: GatewayName, raw: RawNotification): Promise<NotificationReply> {
  const gateway = paymentGateways(deps)[name];
  if (!gateway) return { status: 404, contentType: 'text/plain', body: 'gateway not configured' };
  const at = deps.clock.now();
  const base = { gateway: name, at };
  const check = gateway.verifyNotification(raw, at);
  if (!check.ok) {
    await runTx(deps.db, async (tx) => {
      await recordNotification(tx, { ...base, id: deps.ids.next(), outTradeNo: check.outTradeNo ?? null, paymentId: null, verdict: 'rejected', reason: check.reason, amount: null });
      if (check.signatureValid) {
        await raiseAlert(tx, deps.ids, at, {
          kind: 'notification_wrong_merchant', severity: 'critical', gateway: name, outTradeNo: check.outTradeNo ?? null,
          message: `a validly signed ${name} notification was refused: ${check.reason}`, details: { reason: check.reason },
          dedupKey: `wrong-merchant:${name}:${check.outTradeNo ?? ''}:${check.reason}`,
        });
      }
    });
    return gateway.reply(false);
  }
  const payment = await findByOutTradeNo(deps.db, check.outTradeNo);
  if (!payment || payment.gateway !== name) {
    await runTx(deps.db, async (tx) => {
      await recordNotification(tx, { ...base, id: deps.ids.next(), outTradeNo: check.outTradeNo, paymentId: null, verdict: 'rejected', reason: 'unknown order', amount: check.amount });
      await raiseAlert(tx, deps.ids, at, {
        kind: 'notification_unknown_order', severity: 'critical', gateway: name, outTradeNo: check.outTradeNo,
        message: `${name} reports ${formatYuan(check.amount)} paid for an order Fenqi does not know; nothing was posted`,
        details: { gatewayRef: check.gatewayRef, amountFen: check.amount, ...(payment ? { recordedGateway: payment.gateway } : {}) },
        dedupKey: `unknown-order:${name}:${check.outTradeNo}`,
      });
    });
    return gateway.reply(false);
  }
  crashPoint('notify:verified');
  if (!check.paid) {
    await recordNotification(deps.db, { ...base, id: deps.ids.next(), outTradeNo: check.outTradeNo, paymentId: payment.id, verdict: 'not_paid', reason: check.tradeStatus, amount: check.amount });
    return gateway.reply(true);
  }
  const r = await execute(deps, gatewayActor(name), async (ctx) => {
    const s = await settlePayment(ctx, payment.id, { amount: check.amount, gatewayRef: check.gatewayRef, source: 'notification' });
    if (s.ok) {
      const verdict = s.value.outcome === 'posted' ? 'posted' : s.value.outcome === 'already_settled' ? 'duplicate' : 'mismatch';
      await recordNotification(ctx.tx, { ...base, id: deps.ids.next(), outTradeNo: check.outTradeNo, paymentId: payment.id, verdict, reason: null, amount: check.amount });
    }
    crashPoint('notify:before-commit');
    return s;
  });
  crashPoint('notify:after-commit');
  const accepted = r.ok && !r.replayed && (r.value.outcome === 'posted' || r.value.outcome === 'already_settled');
  if (accepted && r.value.outcome === 'posted') deps.log(`payment ${payment.id} settled by ${name} notification`);
  return gateway.reply(accepted);
}
