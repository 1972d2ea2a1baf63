import type { Db } from '../../adapters/db/tx.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import type { Actor } from '../context.ts';
import { withSla, type TicketWithSla } from './list-tickets.ts';
import { requireStaff, SERVICE_READ_ROLES } from './staff.ts';
import { serviceDb, type TicketEventRow } from './tables.ts';

export interface TicketDetail extends TicketWithSla { history: TicketEventRow[] }

/**
 * A ticket with its full history, oldest first. A customer sees only their own (another's
 * answers not found, like an id that does not exist); staff with a reading role see any.
 */
export async function getTicket(db: Db, actor: Actor, ticketId: string, now: Date): Promise<Result<TicketDetail, DomainError>> {
  if (actor.kind !== 'customer') {
    const staff = requireStaff(actor, SERVICE_READ_ROLES);
    if (!staff.ok) return staff;
  }
  const sdb = serviceDb(db);
  let q = sdb.selectFrom('service_tickets').selectAll().where('id', '=', ticketId);
  if (actor.kind === 'customer') q = q.where('customer_id', '=', actor.id);
  const ticket = await q.executeTakeFirst();
  if (!ticket) return err(domainError('ticket_not_found', 'no ticket with that id', 'ticketId'));
  const history = await sdb.selectFrom('service_ticket_events').selectAll()
    .where('customer_id', '=', ticket.customer_id).where('ticket_id', '=', ticket.id).orderBy('at').orderBy('id').execute();
  return ok({ ...withSla(ticket, now), history });
}
