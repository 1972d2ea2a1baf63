import { sql } from 'kysely';
import type { TxContext } from '../context.ts';
import { enqueueNotices, type NoticeRequest } from '../notices/enqueue-notice.ts';

/** What the notices engine sends for one cause: kind and facts, without who and when. */
export type ContinuityMessage = Omit<NoticeRequest, 'customerId' | 'businessDate' | 'ref'> & { ref: string };

/**
 * Notices this part owes customers (a portfolio transfer, a protected due date), written in
 * the same transaction as the change they announce so one cannot happen without the other.
 * continuity_notices keeps the cause's full record (what changed, what did not, where to
 * pay when it was written) under dedup_key, one per customer per cause however often the
 * cause is re-applied; the messages go to the notices engine in the same transaction, which
 * sends them by SMS/email with a signed repayment link and puts a copy in the portal inbox
 * (its own dedup key per event ref keeps them to one each).
 */
export async function queueNotice(ctx: TxContext, customerId: string, kind: 'portfolio_transfer' | 'due_date_protected', dedupKey: string, payload: object, messages: readonly ContinuityMessage[]): Promise<boolean> {
  const r = await sql`
    insert into continuity_notices (customer_id, id, kind, dedup_key, payload, business_date, created_at)
    values (${customerId}, ${ctx.deps.ids.next()}, ${kind}, ${dedupKey}, ${JSON.stringify(payload)}::jsonb, ${ctx.businessDate}, ${ctx.at})
    on conflict (customer_id, dedup_key) do nothing`.execute(ctx.tx);
  const queued = await enqueueNotices(ctx.deps, ctx.tx, ctx.at, messages.map((m) => ({ ...m, customerId, businessDate: ctx.businessDate })));
  // The requests are built by this part from validated rows: a refusal is a bug, and the
  // change must not commit without its notice.
  if (!queued.ok) throw new Error(`continuity notice refused: ${queued.error.message}`);
  return Number(r.numAffectedRows ?? 0) === 1;
}
