import { domainError, type DomainError } from '../../core/errors.ts';
import { clashingPayment, paymentInFlight } from './in-flight-clash.ts';
import type { Fen } from '../../core/money/fen.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { outTradeNoOf, IN_FLIGHT, type GatewayName } from '../../core/payments/payment-status.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import { loadCustomerBook } from '../servicing/customer-book.ts';
import { currentBillDueDate, planTargets, type RepaymentTarget } from '../servicing/repayment-targets.ts';
import type { PaymentRow } from './payment-store.ts';

export interface CreatePaymentInput {
  customerId: string;
  target: RepaymentTarget;
  amount: Fen;
  gateway: GatewayName;
  /** How long the customer has to pay; the gateway order expires with it. */
  ttlMs: number;
}

/**
 * Step one of a payment (no network call inside: GUIDE rule 7): checks the target is payable
 * now, refuses a second payment while one for the same plans is in flight ("never asked to
 * pay twice"), and records the payment as created. The customer lock serialises this check
 * against every other payment and repayment of the customer.
 */
export async function createPayment(ctx: TxContext, input: CreatePaymentInput): Promise<Result<PaymentRow, DomainError>> {
  const book = await loadCustomerBook(ctx.tx, input.customerId);
  if (!book) return err(domainError('customer_not_found', 'no such customer'));
  let target = input.target;
  // Fix the bill's due date now, so a payment made after the next bill opens still pays this one.
  if (target.kind === 'bill' && !target.dueDate) {
    const due = currentBillDueDate(book.plans, ctx.businessDate);
    if (due) target = { kind: 'bill', dueDate: due };
  }
  const targeted = planTargets(book, target, input.amount, ctx.businessDate);
  if (!targeted.ok) return targeted;
  const planIds = [...new Set([...targeted.value.parts, ...targeted.value.waivers].map((p) => p.planId))].sort();
  const inFlight = await ctx.tx.selectFrom('payments').select(['id', 'plan_ids'])
    .where('customer_id', '=', input.customerId).where('status', 'in', [...IN_FLIGHT]).execute();
  const clash = clashingPayment(inFlight, planIds);
  if (clash) return err(paymentInFlight(clash));
  const id = ctx.deps.ids.next();
  const outTradeNo = outTradeNoOf(id);
  const expiresAt = new Date(ctx.at.getTime() + input.ttlMs);
  const row: PaymentRow = {
    customer_id: input.customerId, id, gateway: input.gateway, out_trade_no: outTradeNo, kind: target.kind, target, plan_ids: planIds,
    amount_fen: input.amount, status: 'created', payload: null, gateway_ref: null, repayment_id: null, settled_by: null, failure_reason: null,
    query_attempts: 0, next_query_at: new Date(ctx.at.getTime() + 60_000), expires_at: expiresAt, business_date: ctx.businessDate,
    created_at: ctx.at, updated_at: ctx.at, settled_at: null,
  };
  await ctx.tx.insertInto('payments').values({ ...row, query_attempts: 0, target: JSON.stringify(target), plan_ids: JSON.stringify(planIds), payload: null }).execute();
  await ctx.tx.insertInto('payment_orders').values({ out_trade_no: outTradeNo, customer_id: input.customerId, payment_id: id, gateway: input.gateway }).execute();
  await audit(ctx, 'payment.create', `payment:${id}`, { gateway: input.gateway, kind: target.kind, amountFen: input.amount });
  return ok(row);
}
