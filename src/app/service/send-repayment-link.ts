import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import type { BusinessDate } from '../../core/calendar/business-date.ts';
import { audit } from '../audit.ts';
import type { Actor } from '../context.ts';
import { getCurrentBill } from '../customers/views/customer-bills.ts';
import type { AppDeps } from '../deps.ts';
import { execute } from '../execute.ts';
import { enqueueNotice } from '../notices/enqueue-notice.ts';
import { requireStaff, SERVICE_ACT_ROLES } from './staff.ts';
import { recordTicketAction } from './ticket-store.ts';

export interface LinkSent { dueDate: BusinessDate; queued: boolean }

/**
 * 发送还款链接: the customer on the phone cannot find where to pay, so the agent sends a fresh
 * repayment link by SMS to the number on the account (never to a number the caller gives).
 * It is the same notice as the customer's own "send me a new link" (request-new-link.ts),
 * under the same key — one per bill per day — so an agent pressing twice, or a customer who
 * already asked today, does not make a second SMS. The link points at the oldest unpaid bill:
 * an overdue one first, since that is the one costing the customer.
 */
export async function sendRepaymentLink(deps: AppDeps, actor: Actor, input: { customerId: string; ticketId?: string }): Promise<Result<LinkSent, DomainError>> {
  const staff = requireStaff(actor, SERVICE_ACT_ROLES);
  if (!staff.ok) return staff;
  const today = await deps.calendar.today();
  // Read before the write transaction: the bill view takes its own snapshot (PGlite runs one transaction at a time).
  const current = await getCurrentBill(deps.db, input.customerId, today);
  if (!current.ok) return current;
  const bill = current.value.pastDue.bills[0] ?? (current.value.bill && current.value.bill.outstanding > 0 ? current.value.bill : null);
  if (!bill) return err(domainError('nothing_owed', 'nothing is owed now: there is no bill to send a link for'));
  const r = await execute(deps, actor, async (ctx) => {
    const queued = await enqueueNotice(ctx, { kind: 'repayment_link', customerId: input.customerId, businessDate: ctx.businessDate, dueDate: bill.dueDate, ref: `${bill.dueDate}@${ctx.businessDate}` });
    if (!queued.ok) return queued;
    const fresh = queued.value.enqueued > 0;
    const noted = await recordTicketAction(ctx, input.customerId, input.ticketId, 'repayment_link_sent', { dueDate: bill.dueDate, queued: fresh });
    if (!noted.ok) return noted;
    await audit(ctx, 'service.send_repayment_link', `customer:${input.customerId}`, { dueDate: bill.dueDate, queued: fresh, ticketId: input.ticketId ?? null });
    return ok({ dueDate: bill.dueDate, queued: fresh });
  });
  if (!r.ok) return r;
  if (r.replayed) return err(domainError('conflict', 'unexpected replay'));
  return ok(r.value);
}
