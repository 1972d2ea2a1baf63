import { err, invariant, ok, type Result } from '../../../core/result.ts';
import { domainError, type DomainError } from '../../../core/errors.ts';
import type { BusinessDate } from '../../../core/calendar/business-date.ts';
import type { PayoffQuote } from '../../../core/payoff/payoff-quote.ts';
import { payoffQuoteFor } from '../../servicing/repayment-targets.ts';
import { parsePayoffPolicy, type PayoffPolicy } from '../../../core/payoff/payoff-policy.ts';
import type { Db } from '../../../adapters/db/tx.ts';
import { getCustomerPlan, type CustomerPlan } from './customer-plans.ts';

export interface CustomerPayoffQuote { plan: CustomerPlan; policy: PayoffPolicy; quote: PayoffQuote; validOn: BusinessDate }

/**
 * 提前还款试算: what paying the whole plan off on the business date takes, by the plan's own
 * payoff policy (frozen on the plan at checkout, not the product's current one). The quote
 * holds for that business date only: interest accrues by the day and the daily close may
 * post charges, so tomorrow's figure differs. The payoff itself recomputes it the same way.
 */
export async function getCustomerPayoffQuote(db: Db, customerId: string, planId: string, today: BusinessDate): Promise<Result<CustomerPayoffQuote, DomainError>> {
  const found = await getCustomerPlan(db, customerId, planId);
  if (!found.ok) return found;
  const { plan, installments } = found.value;
  if (plan.status !== 'active') return err(domainError('plan_not_active', `this plan is ${plan.status.replace('_', ' ')}; only an active plan can be paid off`, 'planId'));
  const policy = parsePayoffPolicy(plan.payoff_policy);
  // The policy was validated when the product was defined; quoting money by a policy we cannot read would be a bug.
  invariant(policy.ok, `plan ${plan.id} has an unreadable payoff policy`);
  // The same function the payoff itself uses, so the quote shown is the amount taken.
  const quote = payoffQuoteFor({ row: plan, states: installments }, today);
  if (!quote.ok) return quote;
  return ok({ plan: found.value, policy: policy.value, quote: quote.value, validOn: today });
}
