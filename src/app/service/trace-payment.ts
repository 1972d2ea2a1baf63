import { domainError, type DomainError } from '../../core/errors.ts';
import { isInFlight } from '../../core/payments/payment-status.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { audit } from '../audit.ts';
import type { Actor } from '../context.ts';
import type { AppDeps } from '../deps.ts';
import { execute } from '../execute.ts';
import { findCustomerPayment, type PaymentRow } from '../payments/payment-store.ts';
import { refreshPayment, type RefreshOutcome } from '../payments/refresh-payment.ts';
import { requireStaff, SERVICE_ACT_ROLES } from './staff.ts';
import { checkTicketOf, recordTicketAction } from './ticket-store.ts';

export interface Traced { outcome: RefreshOutcome; payment: PaymentRow }

/**
 * 查询支付: "the money left my account but the bill says unpaid" (已扣款未入账). Asks the gateway
 * where the payment stands and acts on the answer through the poller's own path
 * (refresh-payment.ts): paid → posted exactly once, as a notification would have; declined or
 * expired → marked so. No transaction is held open across the gateway call.
 */
export async function tracePayment(deps: AppDeps, actor: Actor, input: { customerId: string; paymentId: string; ticketId?: string }): Promise<Result<Traced, DomainError>> {
  const staff = requireStaff(actor, SERVICE_ACT_ROLES);
  if (!staff.ok) return staff;
  const ticket = await checkTicketOf(deps.db, input.customerId, input.ticketId);
  if (!ticket.ok) return ticket;
  const before = await findCustomerPayment(deps.db, input.customerId, input.paymentId);
  if (!before) return err(domainError('payment_not_found', 'no payment with that id for this customer', 'paymentId'));
  const outcome = isInFlight(before.status) ? await refreshPayment(deps, before, 'query') : 'not_in_flight';
  const payment = (await findCustomerPayment(deps.db, input.customerId, input.paymentId))!;
  const r = await execute(deps, actor, async (ctx) => {
    const noted = await recordTicketAction(ctx, input.customerId, input.ticketId, 'payment_traced', { paymentId: payment.id, outcome, status: payment.status });
    if (!noted.ok) return noted;
    await audit(ctx, 'service.trace_payment', `payment:${payment.id}`, { outcome, status: payment.status, ticketId: input.ticketId ?? null });
    return ok(undefined);
  });
  if (!r.ok) return r;
  return ok({ outcome, payment });
}
