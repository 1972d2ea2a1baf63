import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import type { DeliveryRow } from './list-deliveries.ts';

export interface RetryDeliveryInput {
  deliveryId: string;
  /** Set when a merchant asks: another merchant's delivery is "not found", so ids leak nothing. */
  merchantId?: string;
}

/**
 * Puts a failed (or waiting) delivery back in the queue, due now. A failed one gets one more
 * attempt, not a fresh backoff cycle; a delivered one is refused — the receiver already
 * acknowledged it, and a merchant wanting it again can read the event from its own log.
 */
export async function retryDelivery(ctx: TxContext, input: RetryDeliveryInput): Promise<Result<DeliveryRow, DomainError>> {
  let q = ctx.tx.selectFrom('webhook_deliveries').select(['id', 'status']).where('id', '=', input.deliveryId);
  if (input.merchantId) q = q.where('merchant_id', '=', input.merchantId);
  const found = await q.forUpdate().executeTakeFirst();
  if (!found) return err(domainError('webhook_not_found', 'no webhook delivery with that id', 'deliveryId'));
  if (found.status === 'delivered') return err(domainError('conflict', 'this delivery was already acknowledged by the receiver', 'deliveryId'));
  await ctx.tx.updateTable('webhook_deliveries').set({ status: 'pending', next_attempt_at: ctx.at }).where('id', '=', input.deliveryId).execute();
  await audit(ctx, 'webhook.retry', `webhook_delivery:${input.deliveryId}`, { previousStatus: found.status });
  const row = await ctx.tx.selectFrom('webhook_deliveries as d').innerJoin('events as e', 'e.id', 'd.event_id')
    .selectAll('d').select('e.topic').where('d.id', '=', input.deliveryId).executeTakeFirstOrThrow();
  return ok(row);
}
