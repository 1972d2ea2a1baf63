import { sql } from 'kysely';
import { domainError, type DomainError } from '../../core/errors.ts';
import { IN_FLIGHT } from '../../core/payments/payment-status.ts';
import type { Db } from '../../adapters/db/tx.ts';

/**
 * "Never asked to pay twice": while a gateway payment is in flight, paying the same plans
 * again (at the cashier or through POST /v1/me/repayments) is refused with this error.
 */
export function paymentInFlight(paymentId: string): DomainError {
  return domainError('payment_in_flight',
    '一笔付款正在处理中，请勿重复支付。A payment for this is still being processed: wait for its result (or for it to expire) before paying again.',
    undefined, { paymentId, paymentStatus: 'processing' });
}

/**
 * Whether a payment in flight covers any of `planIds`; `undefined` planIds means "whatever the
 * customer owes" (a bill, an amount without a plan), which any payment in flight may cover.
 */
export function clashingPayment(inFlight: { id: string; plan_ids: unknown }[], planIds: readonly string[] | undefined): string | undefined {
  const hit = inFlight.find((p) => planIds === undefined || (p.plan_ids as string[]).some((id) => planIds.includes(id)));
  return hit?.id;
}

export interface ClashAsk { customerId: string; planIds: string[] | undefined; scope: string; key: string }

/**
 * The clashing payment, if any, for each repayment request: one query for a whole group of
 * requests, so the check costs no round trip per request under load. A request whose
 * Idempotency-Key was already used is let through, so a retry still replays its stored answer.
 */
export async function inFlightClashes(db: Db, asks: ClashAsk[]): Promise<(string | undefined)[]> {
  const customers = [...new Set(asks.map((a) => a.customerId))];
  if (customers.length === 0) return [];
  const rows = await db.selectFrom('payments').select(['customer_id', 'id', 'plan_ids'])
    .where(sql<boolean>`customer_id = any(${customers}::uuid[])`).where('status', 'in', [...IN_FLIGHT]).execute();
  const clashes = asks.map((a) => clashingPayment(rows.filter((r) => r.customer_id === a.customerId), a.planIds));
  const asked = asks.filter((_, i) => clashes[i]);
  if (asked.length === 0) return clashes;
  const used = await db.selectFrom('idempotency_keys').select(['scope', 'key'])
    .where(sql<boolean>`key = any(${asked.map((a) => a.key)}::text[])`).where(sql<boolean>`scope = any(${asked.map((a) => a.scope)}::text[])`).execute();
  const seen = new Set(used.map((u) => `${u.scope}\n${u.key}`));
  return clashes.map((c, i) => (c && !seen.has(`${asks[i]!.scope}\n${asks[i]!.key}`) ? c : undefined));
}
