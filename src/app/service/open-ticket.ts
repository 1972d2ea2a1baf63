import { domainError, type DomainError } from '../../core/errors.ts';
import { isTicketCategory, type TicketCategory } from '../../core/service/categories.ts';
import { slaDue } from '../../core/service/sla.ts';
import { maskPhonesIn } from '../../core/privacy/mask.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { actorRef, audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import { requireStaff, SERVICE_ACT_ROLES } from './staff.ts';
import { appendTicketEvent } from './ticket-store.ts';
import { serviceDb, type TicketRow } from './tables.ts';

export interface OpenTicketInput {
  customerId: string;
  category: TicketCategory;
  description: string;
  subject?: string;
  /** The plan the customer asks about; without it every open plan is attached. */
  planId?: string;
}

/** Payments from this long ago are attached as "recent": enough to cover a debit the customer noticed on last week's statement. */
const RECENT_PAYMENTS_MS = 7 * 24 * 3600_000;
const MAX_ATTACHED_PAYMENTS = 10;

/**
 * 提交工单: opened by the customer in the portal's help centre, or by an agent for a customer
 * on the phone. The customer's plans and recent or in-flight payments are attached at once,
 * so whoever picks it up sees the account as it stood when the customer complained.
 */
export async function openTicket(ctx: TxContext, input: OpenTicketInput): Promise<Result<TicketRow, DomainError>> {
  const source = ctx.actor.kind === 'customer' ? 'portal' as const : 'agent' as const;
  if (source === 'portal' && ctx.actor.id !== input.customerId) return err(domainError('forbidden', 'customers open tickets for themselves only'));
  if (source === 'agent') {
    const staff = requireStaff(ctx.actor, SERVICE_ACT_ROLES);
    if (!staff.ok) return staff;
  }
  if (!isTicketCategory(input.category)) return err(domainError('validation_failed', `unknown category "${String(input.category)}"`, 'category'));
  const description = input.description.trim();
  if (description.length < 2) return err(domainError('validation_failed', 'say what happened', 'description'));
  const customer = await ctx.tx.selectFrom('customers').select(['id']).where('id', '=', input.customerId).executeTakeFirst();
  if (!customer) return err(domainError('customer_not_found', 'no customer with that id', 'customerId'));

  const planIds = await attachPlans(ctx, input.customerId, input.planId);
  if (!planIds.ok) return planIds;
  const paymentIds = await attachPayments(ctx, input.customerId);
  const due = slaDue(input.category, ctx.at);
  const row: TicketRow = {
    customer_id: input.customerId, id: ctx.deps.ids.next(), category: input.category, status: 'open',
    subject: maskPhonesIn(input.subject?.trim() || description.slice(0, 60)), description: maskPhonesIn(description),
    source, opened_by: actorRef(ctx.actor), assignee: source === 'agent' ? ctx.actor.id : null, plan_ids: planIds.value, payment_ids: paymentIds,
    first_response_due_at: due.firstResponseDueAt, resolution_due_at: due.resolutionDueAt,
    // An agent opening a ticket is talking to the customer already: that is the first response.
    first_response_at: source === 'agent' ? ctx.at : null, resolved_at: null, closed_at: null,
    business_date: ctx.businessDate, created_at: ctx.at, updated_at: ctx.at,
  };
  await serviceDb(ctx.tx).insertInto('service_tickets').values({ ...row, plan_ids: JSON.stringify(row.plan_ids), payment_ids: JSON.stringify(row.payment_ids) }).execute();
  await appendTicketEvent(ctx, row, { kind: 'opened', toStatus: 'open', body: row.description, detail: { category: row.category, source, planIds: row.plan_ids, paymentIds: row.payment_ids } });
  await audit(ctx, 'ticket.open', `ticket:${row.id}`, { customerId: input.customerId, category: row.category, source });
  return ok(row);
}

async function attachPlans(ctx: TxContext, customerId: string, planId?: string): Promise<Result<string[], DomainError>> {
  let q = ctx.tx.selectFrom('plans').select('id').where('customer_id', '=', customerId);
  q = planId ? q.where('id', '=', planId) : q.where('status', 'in', ['pending', 'active']);
  const rows = await q.orderBy('created_at').orderBy('id').execute();
  if (planId && rows.length === 0) return err(domainError('plan_not_found', 'no plan with that id for this customer', 'planId'));
  return ok(rows.map((r) => r.id));
}

async function attachPayments(ctx: TxContext, customerId: string): Promise<string[]> {
  const since = new Date(ctx.at.getTime() - RECENT_PAYMENTS_MS);
  const rows = await ctx.tx.selectFrom('payments').select('id').where('customer_id', '=', customerId)
    .where((eb) => eb.or([eb('status', 'in', ['created', 'pending']), eb('created_at', '>=', since)]))
    .orderBy('created_at', 'desc').orderBy('id', 'desc').limit(MAX_ATTACHED_PAYMENTS).execute();
  return rows.map((r) => r.id);
}
