import { sql, type Selectable } from 'kysely';
import type { BusinessDate } from '../../core/calendar/business-date.ts';
import type { PartnerForRouting } from '../../core/partners/routing.ts';
import type { Lender } from '../../core/partners/shares.ts';
import type { PartnersTable } from '../../adapters/db/schema.ts';
import type { Db, Tx } from '../../adapters/db/tx.ts';

export type PartnerRow = Selectable<PartnersTable>;

export const toRouting = (r: PartnerRow): PartnerForRouting => ({
  id: r.id, code: r.code, status: r.status, priority: r.priority, productIds: r.product_ids, merchantIds: r.merchant_ids,
  lenders: r.lenders, quotaFen: r.quota_fen, quotaUsedFen: r.quota_used_fen,
});

/** Partners are a few dozen rows: routing and reports read them whole. */
export async function loadPartners(db: Db | Tx): Promise<PartnerRow[]> {
  return db.selectFrom('partners').selectAll().orderBy('code').execute();
}

export async function findPartner(db: Db | Tx, partnerId: string): Promise<PartnerRow | undefined> {
  return db.selectFrom('partners').selectAll().where('id', '=', partnerId).executeTakeFirst();
}

/**
 * Moves a partner's outstanding funded principal by `delta` (positive: funded or bought,
 * negative: repaid, returned or sold). With a cap the update happens only if it stays within
 * quota, in one statement, so two checkouts racing for the last of a quota cannot both win.
 */
export async function adjustQuota(tx: Tx, partnerId: string, delta: number, at: Date, cap = false): Promise<boolean> {
  if (delta === 0) return true;
  let q = tx.updateTable('partners').set({ quota_used_fen: sql`quota_used_fen + ${delta}`, updated_at: at }).where('id', '=', partnerId);
  if (cap) q = q.where(sql<boolean>`quota_used_fen + ${delta} <= quota_fen`);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export interface Ownership { version: number; effectiveDate: BusinessDate; lenders: (Lender & { seq: number })[] }

/** Who funds a plan on a business date: the latest version in effect that day (none for a platform-funded plan). */
export async function ownersOn(db: Db | Tx, customerId: string, planId: string, date: BusinessDate): Promise<Ownership | null> {
  const rows = await db.selectFrom('plan_funding').select(['version', 'seq', 'partner_id', 'share_bp', 'effective_date'])
    .where('customer_id', '=', customerId).where('plan_id', '=', planId)
    .where('version', '=', (eb) => eb.selectFrom('plan_funding as f').select((e) => e.fn.max('f.version').as('v'))
      .where('f.customer_id', '=', customerId).where('f.plan_id', '=', planId).where('f.effective_date', '<=', date))
    .orderBy('seq').execute();
  if (rows.length === 0) return null;
  return { version: rows[0]!.version, effectiveDate: rows[0]!.effective_date, lenders: rows.map((r) => ({ partnerId: r.partner_id, shareBp: r.share_bp, seq: r.seq })) };
}

/**
 * SQL for "the funding rows in force on `date`" over every plan, as a derived table with the
 * plan_funding columns: the set-based settlement and protection queries join it. One
 * version per plan, the latest whose effective date is on or before the date.
 */
export const ownersOnSql = (date: BusinessDate) => sql`(
  select f.* from plan_funding f
  where f.version = (select max(g.version) from plan_funding g
                     where g.customer_id = f.customer_id and g.plan_id = f.plan_id and g.effective_date <= ${date}::date)
)`;
