import { domainError, type DomainError } from '../../core/errors.ts';
import { nextStatus, type TicketAction } from '../../core/service/status-flow.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import { requireStaff, SERVICE_ACT_ROLES } from './staff.ts';
import { appendTicketEvent, lockTicket } from './ticket-store.ts';
import { serviceDb, type TicketRow } from './tables.ts';

export interface MoveTicketInput { ticketId: string; action: TicketAction; note?: string }

/**
 * Moves a ticket along its status flow (the rules are core/service/status-flow.ts). A customer
 * moves only their own tickets; staff need an acting role. The note, if any, is kept in the
 * history beside the change.
 */
export async function moveTicket(ctx: TxContext, input: MoveTicketInput): Promise<Result<TicketRow, DomainError>> {
  const party = ctx.actor.kind === 'customer' ? 'customer' as const : 'staff' as const;
  if (party === 'staff') {
    const staff = requireStaff(ctx.actor, SERVICE_ACT_ROLES);
    if (!staff.ok) return staff;
  }
  const found = await lockTicket(ctx.tx, input.ticketId, party === 'customer' ? ctx.actor.id : undefined);
  if (!found.ok) return found;
  const ticket = found.value;
  const to = nextStatus(ticket.status, input.action, party);
  if (!to.ok) return to;
  if (input.action === 'resolve' && !input.note?.trim()) return err(domainError('validation_failed', 'say how it was resolved: the customer reads it', 'note'));
  const stamps = {
    resolve: { resolved_at: ctx.at },
    close: { closed_at: ctx.at },
    reopen: { resolved_at: null, closed_at: null },
  } as Partial<Record<TicketAction, Partial<Pick<TicketRow, 'resolved_at' | 'closed_at'>>>>;
  await appendTicketEvent(ctx, ticket, { kind: 'status', fromStatus: ticket.status, toStatus: to.value, body: input.note?.trim() || null, detail: { action: input.action } });
  const updated = await serviceDb(ctx.tx).updateTable('service_tickets').set({ status: to.value, updated_at: ctx.at, ...(stamps[input.action] ?? {}) })
    .where('customer_id', '=', ticket.customer_id).where('id', '=', ticket.id).returningAll().executeTakeFirstOrThrow();
  await audit(ctx, `ticket.${input.action}`, `ticket:${ticket.id}`, { from: ticket.status, to: to.value });
  return ok(updated);
}
