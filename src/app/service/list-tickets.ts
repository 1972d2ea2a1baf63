import { sql } from 'kysely';
import type { Db } from '../../adapters/db/tx.ts';
import type { DomainError } from '../../core/errors.ts';
import type { TicketCategory } from '../../core/service/categories.ts';
import { slaState, type SlaState } from '../../core/service/sla.ts';
import type { TicketStatus } from '../../core/service/status-flow.ts';
import { ok, type Result } from '../../core/result.ts';
import type { Actor } from '../context.ts';
import { requireStaff, SERVICE_READ_ROLES } from './staff.ts';
import { serviceDb, type TicketRow } from './tables.ts';

export interface TicketWithSla { ticket: TicketRow; sla: SlaState }
export const withSla = (ticket: TicketRow, now: Date): TicketWithSla => ({
  ticket, sla: slaState({ firstResponseDueAt: ticket.first_response_due_at, resolutionDueAt: ticket.resolution_due_at, firstResponseAt: ticket.first_response_at, resolvedAt: ticket.resolved_at }, now),
});

export interface TicketQueueFilter {
  statuses?: TicketStatus[];
  category?: TicketCategory;
  breached?: boolean;
  /** A staff key id, or null for tickets nobody has taken. */
  assignee?: string | null;
  customerId?: string;
  limit?: number;
  /** The last ticket id of the previous page. */
  after?: string;
}
export interface TicketPage { items: TicketWithSla[]; nextCursor: string | null }

const QUEUE_MAX = 200;

/**
 * The agents' queue, most urgent first (resolution due time, then id). The breached filter
 * is the SQL form of core/service/sla.ts slaState — the same two timers, late when the event
 * came after its due time or has not come and the due time has passed at `now`.
 */
export async function listTicketQueue(db: Db, actor: Actor, now: Date, f: TicketQueueFilter): Promise<Result<TicketPage, DomainError>> {
  const staff = requireStaff(actor, SERVICE_READ_ROLES);
  if (!staff.ok) return staff;
  const limit = Math.min(Math.max(f.limit ?? 50, 1), QUEUE_MAX);
  const sdb = serviceDb(db);
  let q = sdb.selectFrom('service_tickets').selectAll();
  if (f.statuses?.length) q = q.where('status', 'in', f.statuses);
  if (f.category) q = q.where('category', '=', f.category);
  if (f.customerId) q = q.where('customer_id', '=', f.customerId);
  if (f.assignee !== undefined) q = f.assignee === null ? q.where('assignee', 'is', null) : q.where('assignee', '=', f.assignee);
  if (f.breached !== undefined) {
    const late = sql<boolean>`(coalesce(first_response_at, ${now}::timestamptz) > first_response_due_at or coalesce(resolved_at, ${now}::timestamptz) > resolution_due_at)`;
    q = q.where(f.breached ? late : sql<boolean>`not ${late}`);
  }
  if (f.after) {
    const cursor = await sdb.selectFrom('service_tickets').select(['resolution_due_at', 'id']).where('id', '=', f.after).executeTakeFirst();
    if (cursor) q = q.where(sql<boolean>`(resolution_due_at, id) > (${cursor.resolution_due_at}::timestamptz, ${cursor.id}::uuid)`);
  }
  const rows = await q.orderBy('resolution_due_at').orderBy('id').limit(limit + 1).execute();
  const items = rows.slice(0, limit).map((r) => withSla(r, now));
  return ok({ items, nextCursor: rows.length > limit ? items.at(-1)!.ticket.id : null });
}

/** The customer's own tickets, newest first (the help centre's "my tickets"). */
export async function listCustomerTickets(db: Db, customerId: string, now: Date): Promise<TicketWithSla[]> {
  const rows = await serviceDb(db).selectFrom('service_tickets').selectAll().where('customer_id', '=', customerId)
    .orderBy('created_at', 'desc').orderBy('id', 'desc').limit(QUEUE_MAX).execute();
  return rows.map((r) => withSla(r, now));
}
