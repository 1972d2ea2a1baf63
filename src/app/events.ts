import { sql } from 'kysely';
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
  const body = JSON.stringify({ id, topic, createdAt: ctx.at.toISOString(), businessDate: ctx.businessDate, data: payload });
  // The event and, when the merchant has an endpoint, its pending delivery, in one statement.
  await sql`
    with event as (
      insert into events (id, topic, merchant_id, customer_id, payload, created_at)
      values (${id}, ${topic}, ${ref.merchantId}, ${ref.customerId}, ${body}::jsonb, ${ctx.at}) returning id
    )
    insert into webhook_deliveries (id, event_id, merchant_id, url, status, next_attempt_at, created_at)
    select ${ctx.deps.ids.next()}, event.id, m.id, m.webhook_url, 'pending', ${ctx.at}, ${ctx.at}
    from event join merchants m on m.id = ${ref.merchantId}::uuid where m.webhook_url is not null`.execute(ctx.tx);
  return id;
}
