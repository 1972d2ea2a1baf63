import type { Selectable } from 'kysely';
import type { Db } from '../../adapters/db/tx.ts';
import type { WebhookDeliveriesTable } from '../../adapters/db/schema.ts';
import { pageLimit, pageOf, type Page, type PageInput } from '../admin/paging.ts';

export type DeliveryStatus = WebhookDeliveriesTable['status'];
export type DeliveryRow = Selectable<WebhookDeliveriesTable> & { topic: string };

export interface DeliveryFilter extends PageInput { merchantId?: string; status?: DeliveryStatus; eventId?: string }

/** Deliveries newest first; a merchant's view passes its own id as the filter, so it never sees another's. */
export async function listDeliveries(db: Db, filter: DeliveryFilter): Promise<Page<DeliveryRow>> {
  const limit = pageLimit(filter);
  let q = db.selectFrom('webhook_deliveries as d').innerJoin('events as e', 'e.id', 'd.event_id').selectAll('d').select('e.topic');
  if (filter.merchantId) q = q.where('d.merchant_id', '=', filter.merchantId);
  if (filter.status) q = q.where('d.status', '=', filter.status);
  if (filter.eventId) q = q.where('d.event_id', '=', filter.eventId);
  if (filter.cursor) q = q.where('d.id', '<', filter.cursor);
  return pageOf(await q.orderBy('d.id', 'desc').limit(limit + 1).execute(), limit);
}
