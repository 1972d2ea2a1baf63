import type { Db, Tx } from '../../adapters/db/tx.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import { maskPhonesIn } from '../../core/privacy/mask.ts';
import { err, ok, type Result } from '../../core/result.ts';
import type { TxContext } from '../context.ts';
import { actorRef } from '../audit.ts';
import { serviceDb, type TicketEventRow, type TicketRow } from './tables.ts';

/**
 * A ticket for update. With a customer id (the portal) the query is keyed by it, so another
 * customer's ticket is "not found" exactly like one that does not exist.
 */
export async function lockTicket(tx: Tx, ticketId: string, customerId?: string): Promise<Result<TicketRow, DomainError>> {
  let q = serviceDb(tx).selectFrom('service_tickets').selectAll().where('id', '=', ticketId);
  if (customerId) q = q.where('customer_id', '=', customerId);
  const row = await q.forUpdate().executeTakeFirst();
  return row ? ok(row) : err(domainError('ticket_not_found', 'no ticket with that id', 'ticketId'));
}

export interface TicketEvent {
  kind: TicketEventRow['kind'];
  fromStatus?: string | null;
  toStatus?: string | null;
  /** Free text (a comment, a note): phone and ID numbers are masked before they are stored, since it is shown in every listing. */
  body?: string | null;
  detail?: Record<string, unknown>;
}

/**
 * Appends one history entry. Any staff entry counts as the first response (the customer sees
 * every one of them on the ticket), which stops the first-response timer.
 */
export async function appendTicketEvent(ctx: TxContext, ticket: Pick<TicketRow, 'customer_id' | 'id' | 'first_response_at'>, e: TicketEvent): Promise<void> {
  const db = serviceDb(ctx.tx);
  await db.insertInto('service_ticket_events').values({
    customer_id: ticket.customer_id, ticket_id: ticket.id, id: ctx.deps.ids.next(), at: ctx.at, actor: actorRef(ctx.actor), kind: e.kind,
    from_status: e.fromStatus ?? null, to_status: e.toStatus ?? null, body: e.body == null ? null : maskPhonesIn(e.body),
    detail: JSON.stringify(e.detail ?? {}),
  }).execute();
  const firstResponse = ctx.actor.kind === 'staff' && ticket.first_response_at === null && e.kind !== 'opened';
  await db.updateTable('service_tickets').set({ updated_at: ctx.at, ...(firstResponse ? { first_response_at: ctx.at } : {}) })
    .where('customer_id', '=', ticket.customer_id).where('id', '=', ticket.id).execute();
}

/**
 * Records an agent tool used for a ticket (link sent, payment traced, waiver, refund) in its
 * history. The tool's own audit record is written by the tool; this is the customer-facing story.
 */
export async function recordTicketAction(ctx: TxContext, customerId: string, ticketId: string | undefined, action: string, detail: Record<string, unknown>): Promise<Result<void, DomainError>> {
  if (!ticketId) return ok(undefined);
  const ticket = await lockTicket(ctx.tx, ticketId, customerId);
  if (!ticket.ok) return ticket;
  await appendTicketEvent(ctx, ticket.value, { kind: 'action', detail: { action, ...detail } });
  return ok(undefined);
}

/** For tools that call out before they write: refuse a wrong ticket id before anything happens. */
export async function checkTicketOf(db: Db, customerId: string, ticketId: string | undefined): Promise<Result<void, DomainError>> {
  if (!ticketId) return ok(undefined);
  const row = await serviceDb(db).selectFrom('service_tickets').select('id').where('customer_id', '=', customerId).where('id', '=', ticketId).executeTakeFirst();
  return row ? ok(undefined) : err(domainError('ticket_not_found', 'no ticket with that id for this customer', 'ticketId'));
}
