import { domainError, type DomainError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';

/**
 * A ticket's life: open → in_progress → waiting_customer → resolved → closed, and reopen.
 * Who may move it matters as much as where: a customer answers a question (waiting_customer
 * goes back to in_progress), confirms a resolution (close) or says it is not fixed (reopen);
 * only staff start work, ask the customer, or resolve.
 */
export const TICKET_STATUSES = ['open', 'in_progress', 'waiting_customer', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const TICKET_ACTIONS = ['start', 'wait_customer', 'customer_replied', 'resolve', 'close', 'reopen'] as const;
export type TicketAction = (typeof TICKET_ACTIONS)[number];

export type TicketParty = 'customer' | 'staff';

interface Move { from: readonly TicketStatus[]; to: TicketStatus; by: readonly TicketParty[] }

const MOVES: Record<TicketAction, Move> = {
  start: { from: ['open'], to: 'in_progress', by: ['staff'] },
  wait_customer: { from: ['open', 'in_progress'], to: 'waiting_customer', by: ['staff'] },
  customer_replied: { from: ['waiting_customer'], to: 'in_progress', by: ['customer', 'staff'] },
  resolve: { from: ['open', 'in_progress', 'waiting_customer'], to: 'resolved', by: ['staff'] },
  close: { from: ['resolved'], to: 'closed', by: ['customer', 'staff'] },
  // A closed ticket can be reopened too: "fixed" that turns out not to be is the same problem, and its history belongs together.
  reopen: { from: ['resolved', 'closed'], to: 'open', by: ['customer', 'staff'] },
};

export function nextStatus(from: TicketStatus, action: TicketAction, by: TicketParty): Result<TicketStatus, DomainError> {
  const move = MOVES[action];
  if (!move.by.includes(by)) return err(domainError('forbidden', `a ${by} cannot ${action.replace('_', ' ')} a ticket`, 'action'));
  if (!move.from.includes(from)) return err(domainError('ticket_status_invalid', `a ${from} ticket cannot ${action.replace('_', ' ')} (allowed from ${move.from.join(', ')})`, 'action', { ticketStatus: from }));
  return ok(move.to);
}

/** Statuses in which the customer is still waiting for us: SLA timers run. */
export const isActiveStatus = (s: TicketStatus): boolean => s === 'open' || s === 'in_progress' || s === 'waiting_customer';
