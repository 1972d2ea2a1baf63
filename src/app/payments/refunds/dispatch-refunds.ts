import { journal } from '../../../core/ledger/journal.ts';
import { formatYuan } from '../../../core/money/parse.ts';
import { ok } from '../../../core/result.ts';
import type { GatewayName } from '../../../core/payments/payment-status.ts';
import { runTx } from '../../../adapters/db/tx.ts';
import { postJournal } from '../../../adapters/db/ledger-store.ts';
import { lockCustomer } from '../../../adapters/db/plan-store.ts';
import { audit } from '../../audit.ts';
import type { AppDeps } from '../../deps.ts';
import { execute } from '../../execute.ts';
import { sourceAccount } from '../../servicing/repayment-entry.ts';
import { raiseAlert } from '../alerts.ts';
import { paymentGateways } from '../gateways.ts';
import type { RefundResult } from '../ports.ts';
import { paymentsDb, type RefundRow } from '../tables.ts';

/** Waits between tries of a refund the gateway could not take yet; the last step repeats. */
const RETRY_AFTER_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 6 * 3_600_000];
/** Tries after which operations hear that a refund is stuck (it keeps being tried). */
const ALERT_AFTER_ATTEMPTS = 6;

export type DispatchOutcome = 'succeeded' | 'retry' | 'manual' | 'not_pending';
export type DispatchReport = Record<DispatchOutcome, number> & { claimed: number };
type Claimed = RefundRow & { total_fen: number };

/**
 * Sends recorded refunds to their gateway, outside any transaction (GUIDE rule 7). Due refunds
 * are claimed with FOR UPDATE SKIP LOCKED and their next try pushed along the backoff in the
 * same short transaction (the lease), so several servers share the work. The out_request_no
 * is the refund's own id: a refund sent twice — a crash after the gateway answered, a lease
 * that ran out — is one refund at the gateway, which answers the second time with the first
 * result. Success is recorded; a refusal the gateway will not change its mind on (the trade
 * is too old, the channel closed) turns the refund into a recorded manual payout.
 */
export async function dispatchRefundsOnce(deps: AppDeps, batchSize = 20): Promise<DispatchReport> {
  const now = deps.clock.now();
  const claimed = await runTx(deps.db, async (tx) => {
    const due = await paymentsDb(tx).selectFrom('refunds').innerJoin('payments', (j) => j.onRef('payments.customer_id', '=', 'refunds.customer_id').onRef('payments.id', '=', 'refunds.payment_id'))
      .selectAll('refunds').select('payments.amount_fen as total_fen')
      .where('refunds.status', '=', 'pending').where('refunds.next_attempt_at', '<=', now).orderBy('refunds.next_attempt_at').limit(batchSize)
      .forUpdate('refunds').skipLocked().execute();
    for (const r of due) {
      const wait = RETRY_AFTER_MS[Math.min(r.attempts, RETRY_AFTER_MS.length - 1)]!;
      await paymentsDb(tx).updateTable('refunds').set({ attempts: r.attempts + 1, next_attempt_at: new Date(now.getTime() + wait) })
        .where('customer_id', '=', r.customer_id).where('id', '=', r.id).execute();
    }
    return due as Claimed[];
  });
  const report: DispatchReport = { claimed: claimed.length, succeeded: 0, retry: 0, manual: 0, not_pending: 0 };
  for (const r of claimed) report[await dispatchOne(deps, r)]++;
  return report;
}

async function dispatchOne(deps: AppDeps, r: Claimed): Promise<DispatchOutcome> {
  const gateway = paymentGateways(deps)[r.channel as GatewayName];
  let result: RefundResult;
  if (!gateway) result = { ok: false, reason: `${r.channel} is not configured on this deployment`, retryable: false };
  else {
    try {
      result = await gateway.refund({ outTradeNo: r.out_trade_no!, outRequestNo: r.out_request_no!, amount: r.amount_fen, total: r.total_fen, reason: r.reason ?? '退款 refund' });
    } catch (e) {
      result = { ok: false, reason: (e as Error).message, retryable: true };
    }
  }
  if (result.ok) return recordSuccess(deps, r, result.gatewayRef);
  if (!result.retryable) return toManualPayout(deps, r, result.reason);
  await paymentsDb(deps.db).updateTable('refunds').set({ failure_reason: result.reason.slice(0, 500) })
    .where('customer_id', '=', r.customer_id).where('id', '=', r.id).where('status', '=', 'pending').execute();
  if (r.attempts + 1 >= ALERT_AFTER_ATTEMPTS) {
    await runTx(deps.db, (tx) => raiseAlert(tx, deps.ids, deps.clock.now(), {
      kind: 'gateway_error', severity: 'warning', gateway: r.channel, outTradeNo: r.out_trade_no,
      message: `a refund of ${formatYuan(r.amount_fen)} through ${r.channel} has failed ${r.attempts + 1} times and is still being tried`,
      details: { refundId: r.id, reason: result.reason.slice(0, 200) }, dedupKey: `refund-stuck:${r.id}`,
    }));
  }
  return 'retry';
}

const actorOf = (r: RefundRow) => ({ kind: 'system' as const, id: `refunds:${r.channel}` });

async function recordSuccess(deps: AppDeps, r: RefundRow, gatewayRef: string): Promise<DispatchOutcome> {
  const done = await execute(deps, actorOf(r), async (ctx) => {
    const u = await paymentsDb(ctx.tx).updateTable('refunds').set({ status: 'succeeded', external_ref: gatewayRef, settled_at: ctx.at, failure_reason: null })
      .where('customer_id', '=', r.customer_id).where('id', '=', r.id).where('status', '=', 'pending').executeTakeFirst();
    if (Number(u.numUpdatedRows) === 1) await audit(ctx, 'refund.succeeded', `refund:${r.id}`, { gateway: r.channel, amountFen: r.amount_fen });
    return ok(Number(u.numUpdatedRows) === 1);
  });
  return done.ok && !done.replayed && done.value ? 'succeeded' : 'not_pending';
}

/**
 * The gateway will not take it back: the customer is paid by hand instead. The refund's entry
 * (credit balance → the gateway's cash) was posted when it was recorded; this moves that
 * amount from the gateway's cash to manual payouts, once — the status change is the guard.
 */
async function toManualPayout(deps: AppDeps, r: RefundRow, reason: string): Promise<DispatchOutcome> {
  const done = await execute(deps, actorOf(r), async (ctx) => {
    await lockCustomer(ctx.tx, r.customer_id);
    const u = await paymentsDb(ctx.tx).updateTable('refunds').set({ status: 'manual', channel: 'manual', failure_reason: reason.slice(0, 500) })
      .where('customer_id', '=', r.customer_id).where('id', '=', r.id).where('status', '=', 'pending').executeTakeFirst();
    if (Number(u.numUpdatedRows) !== 1) return ok(false);
    await postJournal(ctx.tx, { customerId: r.customer_id, businessDate: ctx.businessDate, at: ctx.at, ids: ctx.deps.ids },
      journal('refund', `manual:${r.id}`, [{ debit: sourceAccount(r.channel), credit: 'cash.manual', amount: r.amount_fen }]));
    await raiseAlert(ctx.tx, ctx.deps.ids, ctx.at, {
      kind: 'refund_manual', severity: 'warning', gateway: r.channel, outTradeNo: r.out_trade_no,
      message: `${r.channel} refused a refund of ${formatYuan(r.amount_fen)} (${reason.slice(0, 120)}); pay it to the customer by hand`,
      details: { refundId: r.id, customerId: r.customer_id }, dedupKey: `refund-manual:${r.id}`,
    });
    await audit(ctx, 'refund.manual', `refund:${r.id}`, { gateway: r.channel, amountFen: r.amount_fen, reason: reason.slice(0, 200) });
    return ok(true);
  });
  return done.ok && !done.replayed && done.value ? 'manual' : 'not_pending';
}
