import type { Quote } from '../../core/pricing/quote.ts';
import type { DomainError } from '../../core/errors.ts';
import { err, type Result } from '../../core/result.ts';
import type { Fen } from '../../core/money/fen.ts';
import type { TxContext } from '../context.ts';
import { checkOut } from './create-plans.ts';

export interface CreatePlanInput {
  merchantId: string;
  merchantOrderId: string;
  phone: string;
  productId: string;
  amount: Fen;
  downPayment: Fen;
  description?: string;
}

export interface CreatedPlan { planId: string; customerId: string; customerCreated: boolean; quote: Quote; status: 'active' }

/**
 * Checkout (下单分期): turns a merchant's order into an active plan in the caller's
 * transaction — customer found or created, credit line locked and checked, origination rules
 * and the risk port consulted (the decision and its reasons stored on the plan), schedule
 * frozen, credit line used, journal entry, outbox event and audit record written. The same
 * reads, decisions and writes as createPlans (create-plans.ts), for a list of one.
 */
export async function createPlan(ctx: TxContext, input: CreatePlanInput): Promise<Result<CreatedPlan, DomainError>> {
  const { results, raced } = await checkOut(ctx, [{ actor: ctx.actor, input }]);
  return raced ? err(raced) : results[0]!;
}
