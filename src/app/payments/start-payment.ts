import { domainError, type DomainError } from '../../core/errors.ts';
import { err, invariant, ok, type Result } from '../../core/result.ts';
import { runTx } from '../../adapters/db/tx.ts';
import type { Actor } from '../context.ts';
import type { AppDeps } from '../deps.ts';
import { execute, type Idempotency } from '../execute.ts';
import { createPayment, type CreatePaymentInput } from './create-payment.ts';
import { gatewayOf } from './gateways.ts';
import { findCustomerPayment, type PaymentRow } from './payment-store.ts';
import type { CreatePaymentRequest, GatewayPayload, PaymentGateway } from './ports.ts';

/** How long a customer has to pay; the gateway order expires with it. */
export const PAYMENT_TTL_MS = 2 * 3_600_000;

const SUBJECTS: Record<string, string> = { installment: '分期还款', bill: '账单还款', amount: '分期还款', payoff: '提前结清' };

/**
 * The customer starts a payment: (1) record it, under the Idempotency-Key, in one
 * transaction; (2) ask the gateway for a cashier, outside any transaction; (3) mark it
 * pending with the payload. A retry with the same key resumes where a crash or a timeout
 * left it. If the gateway cannot be reached the payment is marked failed (the customer never
 * saw a cashier, so cannot have paid) and the order is closed at the gateway, best effort.
 */
export async function startPayment(
  deps: AppDeps, actor: Actor, input: Omit<CreatePaymentInput, 'ttlMs'>, idempotency?: Idempotency,
): Promise<Result<{ payment: PaymentRow; replayed: boolean }, DomainError>> {
  const gateway = gatewayOf(deps, input.gateway);
  if (!gateway.ok) return gateway;
  const created = await execute(deps, actor, (ctx) => createPayment(ctx, { ...input, ttlMs: PAYMENT_TTL_MS }), {
    ...(idempotency ? { idempotency } : {}), respond: (row) => ({ status: 201, body: { paymentId: row.id } }),
  });
  if (!created.ok) return created;
  const paymentId = created.replayed ? (created.response.body as { paymentId: string }).paymentId : created.value.id;
  const payment = await findCustomerPayment(deps.db, input.customerId, paymentId);
  if (!payment) return err(domainError('payment_not_found', 'no such payment'));
  if (payment.status !== 'created') return ok({ payment, replayed: created.replayed });
  const payload = await openCashier(deps, gateway.value, payment);
  if (!payload.ok) return payload;
  const at = deps.clock.now();
  await runTx(deps.db, (tx) => tx.updateTable('payments').set({ status: 'pending', payload: JSON.stringify(payload.value), updated_at: at })
    .where('customer_id', '=', payment.customer_id).where('id', '=', payment.id).where('status', '=', 'created').execute());
  const fresh = await findCustomerPayment(deps.db, input.customerId, paymentId);
  return ok({ payment: fresh!, replayed: created.replayed });
}

/**
 * Step two: the gateway's cashier for a created payment, outside any transaction. If the
 * gateway cannot be reached the payment is marked failed (the customer never saw a cashier,
 * so cannot have paid) and the order is closed at the gateway, best effort.
 */
export async function openCashier(deps: AppDeps, gateway: PaymentGateway, payment: PaymentRow): Promise<Result<GatewayPayload, DomainError>> {
  try {
    return ok(await gateway.createPayment(cashierRequest(deps, payment)));
  } catch (e) {
    return cashierFailed(deps, gateway, payment, e);
  }
}

/**
 * openCashier() for many payments of one gateway: in one call where the gateway offers it
 * (createPayments), else one by one. A batch call that fails fails each of its payments as
 * openCashier() would.
 */
export async function openCashiers(deps: AppDeps, gateway: PaymentGateway, payments: readonly PaymentRow[]): Promise<Result<GatewayPayload, DomainError>[]> {
  if (!gateway.createPayments || payments.length < 2) {
    const out = [];
    for (const p of payments) out.push(await openCashier(deps, gateway, p));
    return out;
  }
  try {
    const payloads = await gateway.createPayments(payments.map((p) => cashierRequest(deps, p)));
    invariant(payloads.length === payments.length, 'a gateway answers each order of a batch');
    return payloads.map((p) => ok(p));
  } catch (e) {
    const out = [];
    for (const p of payments) out.push(await cashierFailed(deps, gateway, p, e));
    return out;
  }
}

const cashierRequest = (deps: AppDeps, payment: PaymentRow): CreatePaymentRequest => ({
  outTradeNo: payment.out_trade_no, amount: payment.amount_fen, subject: `${SUBJECTS[payment.kind] ?? '分期还款'} Fenqi`,
  expiresAt: payment.expires_at, notifyUrl: `${deps.config.publicUrl}/v1/payments/notify/${payment.gateway}`,
  returnUrl: `${deps.config.publicUrl}/v1/payments/return/${payment.out_trade_no}`,
});

async function cashierFailed(deps: AppDeps, gateway: PaymentGateway, payment: PaymentRow, e: unknown): Promise<Result<GatewayPayload, DomainError>> {
  deps.log(`payment ${payment.id}: ${payment.gateway} create failed: ${(e as Error).message}`);
  await markFailed(deps, payment, 'gateway unavailable');
  void gateway.closePayment(payment.out_trade_no).catch(() => undefined);
  return err(domainError('gateway_unavailable', `${payment.gateway} is not answering; nothing was charged. Please try again or choose another way to pay.`));
}

export async function markFailed(deps: AppDeps, payment: PaymentRow, reason: string, from: ('created' | 'pending')[] = ['created', 'pending']): Promise<boolean> {
  const r = await deps.db.updateTable('payments').set({ status: 'failed', failure_reason: reason, updated_at: deps.clock.now() })
    .where('customer_id', '=', payment.customer_id).where('id', '=', payment.id).where('status', 'in', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function markExpired(deps: AppDeps, payment: PaymentRow): Promise<boolean> {
  const r = await deps.db.updateTable('payments').set({ status: 'expired', failure_reason: 'not paid in time', updated_at: deps.clock.now() })
    .where('customer_id', '=', payment.customer_id).where('id', '=', payment.id).where('status', 'in', ['created', 'pending']).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
