import type { DomainError } from '../../core/errors.ts';
import type { Fen } from '../../core/money/fen.ts';
import type { Result } from '../../core/result.ts';
import type { GatewayName } from '../../core/payments/payment-status.ts';
import type { TxContext } from '../context.ts';
import type { RepaymentTarget } from '../servicing/repayment-targets.ts';
import { createPayments } from './create-payments.ts';
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
 * against every other payment and repayment of the customer. createPayments() of a list of
 * one: the same decisions and rows whether a payment comes alone or in a batch.
 */
export async function createPayment(ctx: TxContext, input: CreatePaymentInput): Promise<Result<PaymentRow, DomainError>> {
  const [result] = await createPayments(ctx, [{ actor: ctx.actor, input }]);
  return result!;
}
