import type { Selectable } from 'kysely';
import type { BusinessDate } from '../../core/calendar/business-date.ts';
import type { EntranceTimeline, PlanClass } from '../../core/entrances/entrance.ts';
import type { EntrancesTable } from '../../adapters/db/schema.ts';
import type { Db, Tx } from '../../adapters/db/tx.ts';
import { ownersOn } from '../partners/partner-store.ts';

export type EntranceRow = Selectable<EntrancesTable>;

const ms = (d: Date | string) => (d instanceof Date ? d.getTime() : Date.parse(d));

/**
 * Every entrance with its full status history and live maintenance windows. The registry is
 * small (tens of entrances, a few changes a month each), so it is read whole and the pure
 * core answers every question about it from one consistent picture.
 */
export async function loadTimelines(db: Db | Tx): Promise<EntranceTimeline[]> {
  const entrances = await db.selectFrom('entrances').selectAll().orderBy('code').execute();
  const history = await db.selectFrom('entrance_status_history').select(['code', 'status', 'changed_at']).orderBy('changed_at').orderBy('id').execute();
  const windows = await db.selectFrom('entrance_maintenance').select(['code', 'starts_at', 'ends_at']).where('cancelled_at', 'is', null).execute();
  return entrances.map((e) => ({
    code: e.code, kind: e.kind, name: e.name, url: e.url, priority: e.priority, serves: e.serves, successorCode: e.successor_code,
    changes: history.filter((h) => h.code === e.code).map((h) => ({ status: h.status, at: ms(h.changed_at) })),
    maintenance: windows.filter((w) => w.code === e.code).map((w) => ({ from: ms(w.starts_at), to: ms(w.ends_at) })),
  }));
}

/** A plan's product, merchant and funding partners on a business date: what decides which entrances serve it. */
export async function planClassOn(db: Db | Tx, customerId: string, planId: string, date: BusinessDate): Promise<PlanClass | null> {
  const plan = await db.selectFrom('plans').select(['product_id', 'merchant_id']).where('customer_id', '=', customerId).where('id', '=', planId).executeTakeFirst();
  if (!plan) return null;
  const owners = await ownersOn(db, customerId, planId, date);
  return { productId: plan.product_id, merchantId: plan.merchant_id, partnerIds: owners?.lenders.map((l) => l.partnerId) ?? [] };
}
