import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import { requireStaff, SERVICE_ACT_ROLES } from './staff.ts';
import { appendTicketEvent, lockTicket } from './ticket-store.ts';
import { serviceDb, type TicketRow } from './tables.ts';

/** Gives a ticket to a staff member (by their key id), or back to the queue (null). Only to someone who can act on it. */
export async function assignTicket(ctx: TxContext, input: { ticketId: string; assignee: string | null }): Promise<Result<TicketRow, DomainError>> {
  const staff = requireStaff(ctx.actor, SERVICE_ACT_ROLES);
  if (!staff.ok) return staff;
  if (input.assignee) {
    const key = await ctx.tx.selectFrom('api_keys').select(['role']).where('id', '=', input.assignee).where('revoked_at', 'is', null).executeTakeFirst();
    if (!key || !(SERVICE_ACT_ROLES as readonly string[]).includes(key.role)) return err(domainError('validation_failed', 'assign to an agent, supervisor or admin', 'assignee'));
  }
  const found = await lockTicket(ctx.tx, input.ticketId);
  if (!found.ok) return found;
  const updated = await serviceDb(ctx.tx).updateTable('service_tickets').set({ assignee: input.assignee, updated_at: ctx.at })
    .where('customer_id', '=', found.value.customer_id).where('id', '=', found.value.id).returningAll().executeTakeFirstOrThrow();
  await appendTicketEvent(ctx, found.value, { kind: 'assigned', detail: { from: found.value.assignee, to: input.assignee } });
  await audit(ctx, 'ticket.assign', `ticket:${found.value.id}`, { assignee: input.assignee });
  return ok(updated);
}
