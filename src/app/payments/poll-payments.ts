import { nextQueryAt } from '../../core/payments/poll-schedule.ts';
import { IN_FLIGHT } from '../../core/payments/payment-status.ts';
import { runTx } from '../../adapters/db/tx.ts';
import type { AppDeps } from '../deps.ts';
import { refreshPayment, type RefreshOutcome } from './refresh-payment.ts';
import type { PaymentRow } from './payment-store.ts';
import { dispatchRefundsOnce } from './refunds/dispatch-refunds.ts';

export type PollReport = Record<RefreshOutcome, number> & { queried: number };

/**
 * One round of the status poller: payments in flight whose next query is due are claimed
 * (FOR UPDATE SKIP LOCKED, so several servers share the work without asking twice) and
 * their next query pushed along the backoff ladder in the same short transaction, which is
 * also the lease; then each is queried outside any transaction (GUIDE rule 7).
 */
export async function pollPaymentsOnce(deps: AppDeps, batchSize = 20): Promise<PollReport> {
  const now = deps.clock.now();
  const claimed = await runTx(deps.db, async (tx) => {
    const due = await tx.selectFrom('payments').selectAll().where('status', 'in', [...IN_FLIGHT]).where('next_query_at', '<=', now)
      .orderBy('next_query_at').limit(batchSize).forUpdate().skipLocked().execute();
    for (const p of due) {
      // After expiry the ladder's last step repeats, so a gateway that was down is asked again later.
      const next = now.getTime() >= p.expires_at.getTime() ? new Date(now.getTime() + 3_600_000) : nextQueryAt(p.query_attempts, now, p.expires_at);
      await tx.updateTable('payments').set({ next_query_at: next, query_attempts: p.query_attempts + 1 })
        .where('customer_id', '=', p.customer_id).where('id', '=', p.id).execute();
    }
    return due as PaymentRow[];
  });
  const report: PollReport = { queried: claimed.length, settled: 0, already_settled: 0, waiting: 0, failed: 0, expired: 0, mismatch: 0, unreachable: 0, not_in_flight: 0 };
  for (const p of claimed) report[await refreshPayment(deps, p, 'query')]++;
  return report;
}

/** Runs the poller (and the refund dispatcher) every intervalMs until the returned function is called. Rounds never overlap. */
export function startPaymentPoller(deps: AppDeps, intervalMs: number): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const round = async () => {
    try { await pollPaymentsOnce(deps); } catch (e) { deps.log(`payment poller: ${(e as Error).message}`); }
    // Refunds recorded by returns and overpayments go out on the same beat.
    try { await dispatchRefundsOnce(deps); } catch (e) { deps.log(`refund dispatcher: ${(e as Error).message}`); }
    if (!stopped) { timer = setTimeout(round, intervalMs); timer.unref?.(); }
  };
  timer = setTimeout(round, intervalMs);
  timer.unref?.();
  return () => { stopped = true; if (timer) clearTimeout(timer); };
}
