import { sql } from 'kysely';
import type { TxContext } from '../context.ts';

/**
 * Notices this part owes customers (a portfolio transfer, a protected due date), written in
 * the same transaction as the change they announce so one cannot happen without the other.
 * dedup_key makes it one notice per customer per cause however often the cause is
 * re-applied. The notice sender consumes unsent rows (sent_at null) and should re-resolve
 * the pay link with resolveEntrance at sending time; payAt here is the answer when written.
 */
export async function queueNotice(ctx: TxContext, customerId: string, kind: 'portfolio_transfer' | 'due_date_protected', dedupKey: string, payload: object): Promise<boolean> {
  const r = await sql`
    insert into continuity_notices (customer_id, id, kind, dedup_key, payload, business_date, created_at)
    values (${customerId}, ${ctx.deps.ids.next()}, ${kind}, ${dedupKey}, ${JSON.stringify(payload)}::jsonb, ${ctx.businessDate}, ${ctx.at})
    on conflict (customer_id, dedup_key) do nothing`.execute(ctx.tx);
  return Number(r.numAffectedRows ?? 0) === 1;
}
