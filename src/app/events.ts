import type { TxContext } from './context.ts';

export const EVENT_TOPICS = ['plan.created', 'plan.repaid', 'plan.paid_off', 'plan.overdue', 'plan.refunded', 'plan.cancelled'] as const;
export type EventTopic = (typeof EVENT_TOPICS)[number];

/** First retry after 10 s, doubling, for 8 attempts (about 42 minutes in all). */
export const WEBHOOK_BACKOFF_MS = [10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 640_000, 1_280_000];

/**
 * Writes an event to the outbox in the caller's transaction, and a pending webhook delivery
 * when the merchant has an endpoint. The dispatcher sends it after commit, so a webhook is
 * never sent for something that was rolled back.
 */
export async function emitEvent(ctx: TxContext, topic: EventTopic, ref: { merchantId: string | null; customerId: string | null }, payload: Record<string, unknown>): Promise<string> {
  const id = ctx.deps.ids.next();
  await ctx.tx.insertInto('events').values({
    id, topic, merchant_id: ref.merchantId, customer_id: ref.customerId,
    payload: JSON.stringify({ id, topic, createdAt: ctx.at.toISOString(), businessDate: ctx.businessDate, data: payload }),
    created_at: ctx.at,
  }).execute();
  if (ref.merchantId) {
    const merchant = await ctx.tx.selectFrom('merchants').select('webhook_url').where('id', '=', ref.merchantId).executeTakeFirst();
    if (merchant?.webhook_url) {
      await ctx.tx.insertInto('webhook_deliveries').values({
        id: ctx.deps.ids.next(), event_id: id, merchant_id: ref.merchantId, url: merchant.webhook_url, status: 'pending',
        next_attempt_at: ctx.at, last_status_code: null, last_error: null, created_at: ctx.at, delivered_at: null,
      }).execute();
    }
  }
  return id;
}
