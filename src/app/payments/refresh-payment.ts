import type { GatewayName } from '../../core/payments/payment-status.ts';
import { isInFlight } from '../../core/payments/payment-status.ts';
import { GIVE_UP_AFTER_EXPIRY_MS } from '../../core/payments/poll-schedule.ts';
import type { AppDeps } from '../deps.ts';
import { execute } from '../execute.ts';
import { raiseAlert } from './alerts.ts';
import { paymentGateways } from './gateways.ts';
import { findCustomerPayment, type PaymentRow } from './payment-store.ts';
import type { QueryResult } from './ports.ts';
import { settlePayment, type SettleSource } from './settle-payment.ts';
import { markExpired, markFailed } from './start-payment.ts';
import { runTx } from '../../adapters/db/tx.ts';

export type RefreshOutcome = 'settled' | 'already_settled' | 'waiting' | 'failed' | 'expired' | 'mismatch' | 'unreachable' | 'not_in_flight';

/**
 * Asks the gateway where an in-flight payment stands and acts on the answer: paid → settle
 * (the same exactly-once path as a notification); declined → failed; past its expiry and
 * still unpaid → close the order at the gateway, ask once more (a payment in the last
 * second wins), then expired. Used by the poller and by the customer's return page.
 */
export async function refreshPayment(deps: AppDeps, payment: PaymentRow, source: SettleSource = 'query'): Promise<RefreshOutcome> {
  if (!isInFlight(payment.status)) return 'not_in_flight';
  const gateway = paymentGateways(deps)[payment.gateway as GatewayName];
  if (!gateway) return 'unreachable';
  let q: QueryResult;
  try {
    q = await gateway.queryPayment(payment.out_trade_no);
  } catch (e) {
    deps.log(`payment ${payment.id}: ${payment.gateway} query failed: ${(e as Error).message}`);
    return giveUpIfLongExpired(deps, payment);
  }
  const now = deps.clock.now();
  const expired = now.getTime() >= payment.expires_at.getTime();
  if (q.state === 'paid') return settle(deps, payment, q, source);
  if (q.state === 'failed') return (await markFailed(deps, payment, q.detail ?? 'declined by the gateway')) ? 'failed' : 'not_in_flight';
  // An order the gateway never saw: we crashed before asking it. The customer has no cashier.
  if (q.state === 'not_found' && (payment.status === 'created' || expired)) {
    return (await markFailed(deps, payment, 'never reached the gateway')) ? 'failed' : 'not_in_flight';
  }
  if (!expired && q.state !== 'closed') return 'waiting';
  try {
    await gateway.closePayment(payment.out_trade_no);
    const last = await gateway.queryPayment(payment.out_trade_no);
    if (last.state === 'paid') return settle(deps, payment, last, source);
  } catch (e) {
    deps.log(`payment ${payment.id}: ${payment.gateway} close failed: ${(e as Error).message}`);
    return 'unreachable';
  }
  return (await markExpired(deps, payment)) ? 'expired' : 'not_in_flight';
}

/**
 * A gateway that has not answered for a day past the payment's expiry: stop asking and tell
 * operations. Safe, because money that still turns up settles an expired payment anyway.
 */
async function giveUpIfLongExpired(deps: AppDeps, payment: PaymentRow): Promise<RefreshOutcome> {
  if (deps.clock.now().getTime() < payment.expires_at.getTime() + GIVE_UP_AFTER_EXPIRY_MS) return 'unreachable';
  if (!(await markExpired(deps, payment))) return 'not_in_flight';
  await runTx(deps.db, (tx) => raiseAlert(tx, deps.ids, deps.clock.now(), {
    kind: 'gateway_error', severity: 'warning', gateway: payment.gateway, outTradeNo: payment.out_trade_no,
    message: `${payment.gateway} did not answer status queries for a day after expiry; the payment was marked expired (reconciliation will catch a late payment)`,
    dedupKey: `gave-up:${payment.out_trade_no}`,
  }));
  return 'expired';
}

async function settle(deps: AppDeps, payment: PaymentRow, q: Extract<QueryResult, { state: 'paid' }>, source: SettleSource): Promise<RefreshOutcome> {
  const r = await execute(deps, { kind: 'system', id: `gateway:${payment.gateway}` }, (ctx) =>
    settlePayment(ctx, payment.id, { amount: q.amount, gatewayRef: q.gatewayRef, source }));
  if (!r.ok || r.replayed) return 'unreachable';
  switch (r.value.outcome) {
    case 'posted': return 'settled';
    case 'already_settled': return 'already_settled';
    case 'mismatch': return 'mismatch';
    case 'unknown_payment':
      await runTx(deps.db, (tx) => raiseAlert(tx, deps.ids, deps.clock.now(), {
        kind: 'gateway_error', severity: 'critical', gateway: payment.gateway, outTradeNo: payment.out_trade_no,
        message: 'a paid order vanished from payments', dedupKey: `vanished:${payment.out_trade_no}`,
      }));
      return 'unreachable';
  }
}

/** Re-reads a payment for a customer and refreshes it if still in flight (the return page). */
export async function refreshCustomerPayment(deps: AppDeps, customerId: string, paymentId: string): Promise<PaymentRow | undefined> {
  const p = await findCustomerPayment(deps.db, customerId, paymentId);
  if (!p || !isInFlight(p.status)) return p;
  await refreshPayment(deps, p, 'return');
  return findCustomerPayment(deps.db, customerId, paymentId);
}
