import { sql } from 'kysely';
import type { BusinessDate } from '../../core/calendar/business-date.ts';
import { promiseOutcome } from '../../core/collections/promises.ts';
import type { Tx } from '../../adapters/db/tx.ts';

/**
 * Settles open promises at the close of `date`: kept as soon as the plan received the
 * promised amount in posted repayments made since the promise, broken when the promised day
 * has ended without it. A settled promise is no longer open, so a second run for the same
 * date finds nothing to do.
 */
export async function settlePromises(tx: Tx, date: BusinessDate): Promise<{ kept: number; broken: number }> {
  const due = await sql<{ customer_id: string; id: string; promised_on: string; amount_fen: number; paid_fen: number }>`
    select pp.customer_id, pp.id, pp.promised_on, pp.amount_fen, coalesce((
      select sum(a.amount_fen) from allocations a join repayments r on r.customer_id = a.customer_id and r.id = a.repayment_id
      where a.customer_id = pp.customer_id and a.plan_id = pp.plan_id and r.status = 'posted' and r.created_at >= pp.made_at), 0)::bigint as paid_fen
    from payment_promises pp where pp.status = 'open'
    order by pp.customer_id, pp.id`.execute(tx);
  const outcomes = due.rows.map((p) => ({ ...p, paid_fen: Number(p.paid_fen), outcome: promiseOutcome({ promisedOn: p.promised_on, amount: Number(p.amount_fen) }, Number(p.paid_fen), date) }));
  const settled = outcomes.filter((p) => p.outcome !== 'open');
  if (settled.length > 0) {
    const rows = JSON.stringify(settled.map((p) => [p.customer_id, p.id, p.outcome, p.paid_fen]));
    await sql`
      update payment_promises pp set status = r->>2, paid_fen = (r->>3)::bigint, resolved_on = ${date}::date
      from jsonb_array_elements(${rows}::jsonb) as r where pp.customer_id = (r->>0)::uuid and pp.id = (r->>1)::uuid and pp.status = 'open'`.execute(tx);
  }
  return { kept: settled.filter((p) => p.outcome === 'kept').length, broken: settled.filter((p) => p.outcome === 'broken').length };
}
