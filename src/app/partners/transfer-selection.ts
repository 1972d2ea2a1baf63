import { sql } from 'kysely';
import type { BusinessDate } from '../../core/calendar/business-date.ts';
import { splitByShares } from '../../core/partners/shares.ts';
import type { Tx } from '../../adapters/db/tx.ts';
import { ownersOnSql } from './partner-store.ts';

/** Which plans a transfer takes: an explicit list, or every plan of the seller matching the filters (all lists empty: the whole book). */
export interface TransferSelection { planIds?: string[]; productIds?: string[]; merchantIds?: string[] }

export interface SelectedPlan {
  customerId: string;
  planId: string;
  /** The version in force and its lenders, seller included. */
  version: number;
  lenders: { partnerId: string; shareBp: number }[];
  /** The seller's share of the principal outstanding at the start of the effective date. */
  principalFen: number;
}
export interface Excluded { planId: string; reason: string }

/**
 * The seller's active plans in the selection, with the principal each transfer moves. The
 * amount is the plan's receivable.principal balance from postings dated before the effective
 * date — the outstanding principal at the start of that day — so repayments made earlier on
 * the same day, which belong to the buyer, cannot change it. Plans the buyer already
 * co-lends are excluded (a lender appears once per plan).
 */
export async function selectTransferPlans(tx: Tx, sellerId: string, buyerId: string, date: BusinessDate, s: TransferSelection): Promise<{ plans: SelectedPlan[]; excluded: Excluded[] }> {
  const rows = await sql<{ customer_id: string; plan_id: string; version: number; lenders: { p: string; bp: number }[]; principal: number; start_date: string }>`
    with owned as (
      select o.customer_id, o.plan_id, o.version, jsonb_agg(jsonb_build_object('p', o.partner_id, 'bp', o.share_bp) order by o.seq) as lenders
      from ${ownersOnSql(date)} o join plans p on p.customer_id = o.customer_id and p.id = o.plan_id
      where p.status = 'active' ${filters(s)}
      group by 1, 2, 3 having bool_or(o.partner_id = ${sellerId}::uuid)
    )
    select w.customer_id::text, w.plan_id::text, w.version, w.lenders, pl.start_date,
      coalesce((select sum(case when x.debit_account = 'receivable.principal' then x.amount_fen else -x.amount_fen end)
                from postings x where x.customer_id = w.customer_id and x.plan_id = w.plan_id and x.business_date < ${date}::date
                  and 'receivable.principal' in (x.debit_account, x.credit_account)), 0)::bigint as principal
    from owned w join plans pl on pl.customer_id = w.customer_id and pl.id = w.plan_id
    order by w.customer_id, w.plan_id`.execute(tx);
  const plans: SelectedPlan[] = [];
  const excluded: Excluded[] = [];
  for (const r of rows.rows) {
    if (r.start_date >= date) { excluded.push({ planId: r.plan_id, reason: 'created on or after the effective date: route new plans by priority instead' }); continue; }
    if (r.lenders.some((l) => l.p === buyerId)) { excluded.push({ planId: r.plan_id, reason: 'the buyer already co-lends this plan' }); continue; }
    const index = r.lenders.findIndex((l) => l.p === sellerId);
    const principal = splitByShares(Number(r.principal), r.lenders.map((l) => l.bp))[index]!;
    plans.push({ customerId: r.customer_id, planId: r.plan_id, version: r.version, lenders: r.lenders.map((l) => ({ partnerId: l.p, shareBp: l.bp })), principalFen: principal });
  }
  if (s.planIds) for (const id of s.planIds) if (!rows.rows.some((r) => r.plan_id === id)) excluded.push({ planId: id, reason: 'not an active plan of the selling partner' });
  return { plans, excluded };
}

function filters(s: TransferSelection) {
  const parts = [];
  if (s.planIds && s.planIds.length > 0) parts.push(sql`and p.id in (${sql.join(s.planIds.map((id) => sql`${id}::uuid`))})`);
  if (s.productIds && s.productIds.length > 0) parts.push(sql`and p.product_id in (${sql.join(s.productIds.map((id) => sql`${id}::uuid`))})`);
  if (s.merchantIds && s.merchantIds.length > 0) parts.push(sql`and p.merchant_id in (${sql.join(s.merchantIds.map((id) => sql`${id}::uuid`))})`);
  return parts.length > 0 ? sql.join(parts, sql` `) : sql``;
}
