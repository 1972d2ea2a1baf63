import { isInFlight } from '../../../core/payments/payment-status.ts';
import type { AppDeps } from '../../deps.ts';

/** An attempt still "running" this long after it started was cut short by a crash or a restart. */
export const INTERRUPTED_AFTER_MS = 10 * 60_000;

/**
 * Closes attempts a crash left running, judged by their payment: succeeded → succeeded;
 * failed or expired → failed; none made → failed; still in flight → left for the status
 * poller, which settles or fails the payment first.
 */
export async function finishInterrupted(deps: AppDeps, now: Date): Promise<number> {
  const stale = await deps.db.selectFrom('autodebit_attempts').leftJoin('payments', (j) => j.onRef('payments.customer_id', '=', 'autodebit_attempts.customer_id').onRef('payments.id', '=', 'autodebit_attempts.payment_id'))
    .select(['autodebit_attempts.customer_id', 'autodebit_attempts.id', 'payments.status'])
    .where('autodebit_attempts.result', '=', 'running').where('autodebit_attempts.created_at', '<', new Date(now.getTime() - INTERRUPTED_AFTER_MS)).execute();
  let closed = 0;
  for (const a of stale) {
    if (a.status && isInFlight(a.status)) continue;
    const result = a.status === 'succeeded' ? 'succeeded' as const : 'failed' as const;
    const reason = a.status === 'succeeded' ? 'completed after an interruption' : a.status ? `interrupted; the payment ${a.status}` : 'interrupted before any debit was made';
    await deps.db.updateTable('autodebit_attempts').set({ result, reason, finished_at: now }).where('customer_id', '=', a.customer_id).where('id', '=', a.id).where('result', '=', 'running').execute();
    closed++;
  }
  return closed;
}
