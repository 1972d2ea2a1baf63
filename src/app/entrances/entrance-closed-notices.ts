import { sql } from 'kysely';
import { addDays } from '../../core/calendar/business-date.ts';
import { shanghaiDateOf } from '../../core/calendar/shanghai.ts';
import { isCustomerFacing } from '../../core/entrances/entrance.ts';
import { resolveFor } from '../../core/entrances/resolve.ts';
import type { TxContext } from '../context.ts';
import { enqueueNotices, shortName, type NoticeRequest } from '../notices/enqueue-notice.ts';
import { ownersOnSql } from '../partners/partner-store.ts';
import { loadTimelines } from './entrance-store.ts';

const CUSTOMERS_PER_BATCH = 1_000;

/**
 * When an entrance closes, every customer for whom it was the usual place to pay is told where
 * to pay now (repayment_entrance_changed, with a signed link to their bill), in the same
 * transaction as the status change. This is the notice the seed's customers never got.
 *
 * Who was served by it is read with each plan's funding partners of the day before as well
 * as today's: a store that moves its plans to a new partner and closes its own entrance on
 * the same day (the seed's story) must still tell the customers who paid there yesterday.
 * Which entrance serves a plan depends only on its class (product, merchant, funding
 * partners), so the registry is resolved once per class pair, not per plan; customers are
 * then read per affected class and told once each (ref: the closure's history id).
 */
export async function noticeEntranceClosed(ctx: TxContext, code: string, closureId: string, closedAt: Date): Promise<number> {
  const timelines = await loadTimelines(ctx.tx);
  const closed = timelines.find((e) => e.code === code);
  if (!closed || !isCustomerFacing(closed.kind)) return 0;
  const today = shanghaiDateOf(ctx.at);
  const at = ctx.at.getTime();
  const partnersOn = (date: string) => sql`coalesce((select string_agg(o.partner_id::text, ',' order by o.partner_id) from ${ownersOnSql(date)} o
      where o.customer_id = p.customer_id and o.plan_id = p.id), '')`;
  const planClasses = sql`(
    select p.customer_id, p.product_id::text as product_id, p.merchant_id::text as merchant_id,
           ${partnersOn(addDays(today, -1))} as before, ${partnersOn(today)} as now
    from plans p where p.status = 'active')`;
  const classes = await sql<{ product_id: string; merchant_id: string; before: string; now: string }>`
    select distinct product_id, merchant_id, before, now from ${planClasses} pc`.execute(ctx.tx);
  const classOf = (c: { product_id: string; merchant_id: string }, partners: string) =>
    ({ productId: c.product_id, merchantId: c.merchant_id, partnerIds: partners ? partners.split(',') : [] });
  let told = 0;
  for (const c of classes.rows) {
    // Served: it was where these customers paid just before it closed (their usual place, or
    // the place they had been rerouted to from an entrance closed earlier).
    const servedBy = (partners: string) => {
      const cls = classOf(c, partners);
      return resolveFor(timelines, cls, closedAt.getTime() - 1).entrance?.code === code || resolveFor(timelines, cls, at).usual?.code === code;
    };
    if (!servedBy(c.before) && !servedBy(c.now)) continue;
    const payAt = resolveFor(timelines, classOf(c, c.now), at).entrance;
    // No working entrance at all: outage protection covers these customers, not this notice.
    if (!payAt || payAt.code === code) continue;
    const customers = await sql<{ customer_id: string }>`
      select distinct customer_id from ${planClasses} pc
      where product_id = ${c.product_id} and merchant_id = ${c.merchant_id} and before = ${c.before} and now = ${c.now}
      order by customer_id`.execute(ctx.tx);
    for (let i = 0; i < customers.rows.length; i += CUSTOMERS_PER_BATCH) {
      const requests: NoticeRequest[] = customers.rows.slice(i, i + CUSTOMERS_PER_BATCH).map((row) => ({
        kind: 'repayment_entrance_changed', customerId: row.customer_id, businessDate: ctx.businessDate, ref: `entrance-closed:${code}:${closureId}`,
        facts: { entrance: shortName(payAt.name, 40), effectiveDate: ctx.businessDate },
      }));
      const queued = await enqueueNotices(ctx.deps, ctx.tx, ctx.at, requests);
      if (!queued.ok) throw new Error(`entrance notice refused: ${queued.error.message}`);
      told += queued.value.enqueued;
    }
  }
  return told;
}
