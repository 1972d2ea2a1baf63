import type { Tx } from '../../adapters/db/tx.ts';
import type { IdGenerator } from '../ports.ts';

export interface AlertInput {
  kind: 'notification_mismatch' | 'notification_unknown_order' | 'notification_wrong_merchant' | 'paid_after_expiry' | 'gateway_error' | 'forgery' | 'refund_manual' | 'agreement_notification';
  severity: 'info' | 'warning' | 'critical';
  gateway: string | null;
  outTradeNo?: string | null;
  message: string;
  details?: Record<string, unknown>;
  /** Same key, same alert: a gateway retrying a bad notification 25 times raises one alert seen 25 times. */
  dedupKey: string;
}

/** Records an alert for operations in the caller's transaction. Details must hold no secrets or full phone numbers. */
export async function raiseAlert(tx: Tx, ids: IdGenerator, at: Date, a: AlertInput): Promise<void> {
  await tx.insertInto('alerts').values({
    id: ids.next(), kind: a.kind, severity: a.severity, gateway: a.gateway, out_trade_no: a.outTradeNo ?? null, message: a.message,
    details: JSON.stringify(a.details ?? {}), dedup_key: a.dedupKey, created_at: at, last_seen_at: at, acknowledged_at: null,
  }).onConflict((oc) => oc.column('dedup_key').doUpdateSet((eb) => ({ occurrences: eb('alerts.occurrences', '+', 1), last_seen_at: at }))).execute();
}
