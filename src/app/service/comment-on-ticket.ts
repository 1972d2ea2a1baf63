import { domainError, type DomainError } from '../../core/errors.ts';
import { nextStatus } from '../../core/service/status-flow.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import { requireStaff, SERVICE_ACT_ROLES } from './staff.ts';
import { appendTicketEvent, lockTicket } from './ticket-store.ts';
import { serviceDb } from './tables.ts';

export interface CommentInput { ticketId: string; body: string }

/**
 * A message on a ticket from the customer or staff. A customer answering a ticket that waits
 * for them hands it back to the agent (waiting_customer → in_progress), so it shows in the
 * queue again without anyone moving it by hand.
 */
export async function commentOnTicket(ctx: TxContext, input: CommentInput): Promise<Result<{ ticketId: string; status: string }, DomainError>> {
  const party = ctx.actor.kind === 'customer' ? 'customer' as const : 'staff' as const;
  if (party === 'staff') {
    const staff = requireStaff(ctx.actor, SERVICE_ACT_ROLES);
    if (!staff.ok) return staff;
  }
  const body = input.body.trim();
  if (!body || body.length > 2000) return err(domainError('validation_failed', 'a comment is 1–2000 characters', 'body'));
  const found = await lockTicket(ctx.tx, input.ticketId, party === 'customer' ? ctx.actor.id : undefined);
  if (!found.ok) return found;
  const ticket = found.value;
  if (ticket.status === 'closed') return err(domainError('ticket_status_invalid', 'the ticket is closed: reopen it first', 'ticketId'));
  await appendTicketEvent(ctx, ticket, { kind: 'comment', body });
  let status: string = ticket.status;
  if (party === 'customer' && ticket.status === 'waiting_customer') {
    const to = nextStatus(ticket.status, 'customer_replied', party);
    if (!to.ok) return to;
    await serviceDb(ctx.tx).updateTable('service_tickets').set({ status: to.value }).where('customer_id', '=', ticket.customer_id).where('id', '=', ticket.id).execute();
    await appendTicketEvent(ctx, ticket, { kind: 'status', fromStatus: ticket.status, toStatus: to.value, detail: { action: 'customer_replied' } });
    status = to.value;
  }
  await audit(ctx, 'ticket.comment', `ticket:${ticket.id}`, { by: party });
  return ok({ ticketId: ticket.id, status });
}
