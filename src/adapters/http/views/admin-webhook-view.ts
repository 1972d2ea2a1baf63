import { Type } from 'typebox';
import type { DeliveryRow } from '../../../app/webhooks/list-deliveries.ts';
import type { Page } from '../../../app/admin/paging.ts';
import { iso, isoOrNull, Nullable, Paged, PageQuery, Timestamp, Uuid } from './admin-schemas.ts';

const Status = Type.String({ enum: ['pending', 'delivered', 'failed'] });

export const DeliverySchema = Type.Object({
  deliveryId: Type.String(), eventId: Type.String({ description: 'also sent as the Fenqi-Event-Id header; de-duplicate on it' }), topic: Type.String(),
  merchantId: Type.String(), url: Type.String({ description: 'where it was (or will be) sent' }), status: Status, attempts: Type.Integer(),
  nextAttemptAt: Nullable(Timestamp), lastStatusCode: Nullable(Type.Integer()), lastError: Nullable(Type.String()), createdAt: Timestamp, deliveredAt: Nullable(Timestamp),
}, { examples: [{
  deliveryId: '0192f0c8-5c2a-7000-8000-0000000000d1', eventId: '0192f0c8-5c2a-7000-8000-0000000000e1', topic: 'plan.created',
  merchantId: '0192f0c8-5c2a-7000-8000-000000000001', url: 'https://shop.example.com/fenqi/webhooks', status: 'pending', attempts: 1,
  nextAttemptAt: '2026-01-05T02:00:10.000Z', lastStatusCode: 503, lastError: 'receiver answered HTTP 503', createdAt: '2026-01-05T02:00:00.000Z', deliveredAt: null,
}] });
export const DeliveryPageSchema = Paged(DeliverySchema);

export const AdminDeliveryQuery = Type.Object({ merchantId: Type.Optional(Uuid), status: Type.Optional(Status), ...PageQuery }, { additionalProperties: false });
export const MerchantDeliveryQuery = Type.Object({ status: Type.Optional(Status), ...PageQuery }, { additionalProperties: false });

export const deliveryView = (d: DeliveryRow) => ({
  deliveryId: d.id, eventId: d.event_id, topic: d.topic, merchantId: d.merchant_id, url: d.url, status: d.status, attempts: d.attempts,
  nextAttemptAt: d.status === 'pending' ? iso(d.next_attempt_at) : null, lastStatusCode: d.last_status_code, lastError: d.last_error,
  createdAt: iso(d.created_at), deliveredAt: isoOrNull(d.delivered_at),
});
export const deliveryPageView = (p: Page<DeliveryRow>) => ({ nextCursor: p.nextCursor, items: p.items.map(deliveryView) });
