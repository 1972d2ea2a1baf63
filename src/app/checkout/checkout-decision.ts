import { buildQuote, type Quote } from '../../core/pricing/quote.ts';
import { firstDueDate } from '../../core/calendar/billing-cycle.ts';
import { daysBetween } from '../../core/calendar/business-date.ts';
import { shanghaiDateOf } from '../../core/calendar/shanghai.ts';
import { applyOriginationRules, type RuleDecision } from '../../core/origination/rules.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import type { Routing } from '../../core/partners/routing.ts';
import { decideRouting, takeQuota } from '../partners/route-partner.ts';
import type { RiskDecision } from '../ports.ts';
import type { Actor, TxContext } from '../context.ts';
import { termsFromProduct, type ProductRow } from './product-terms.ts';
import { offerKey, orderKey, type CheckoutCustomer, type CheckoutFacts } from './checkout-facts.ts';
import type { CreatePlanInput } from './create-plan.ts';

/** One merchant order to turn into a plan, and who asks (recorded on its audit row). */
export interface CheckoutItem { actor: Actor; input: CreatePlanInput }

/** A plan checkout approved, with everything its writes need (ids drawn in the order the one-order path drew them). */
export interface PlanDecision {
  item: CheckoutItem;
  customerId: string;
  customerCreated: boolean;
  product: ProductRow;
  quote: Quote;
  decision: { rules: RuleDecision['checks']; risk: RiskDecision };
  routing: Routing;
  ids: { plan: string; journal: string; event: string; delivery: string; audit: string };
}

/**
 * Decides a list of orders in list order on facts read once (checkout-facts.ts): each order
 * as checkout of that order alone would, after the list's earlier orders were checked out —
 * an approved plan uses its customer's credit line and its partners' quota, and takes its
 * merchant order id, before the next order is decided; a declined one changes nothing. The
 * risk port is asked once per order that passes the built-in rules, in list order.
 */
export async function decideCheckouts(ctx: Pick<TxContext, 'deps' | 'businessDate'>, items: readonly CheckoutItem[], facts: CheckoutFacts): Promise<Result<PlanDecision, DomainError>[]> {
  const results: Result<PlanDecision, DomainError>[] = [];
  const customersWithPlan = new Set<string>();
  let partners = facts.partners;
  for (const item of items) {
    const decided = await decideOne(ctx, item.input, facts, partners);
    if (!decided.ok) { results.push(decided); continue; }
    const { customer, product, quote, rules, risk, routing } = decided.value;
    const ids = ctx.deps.ids;
    const plan: PlanDecision = {
      item, customerId: customer.ref.customerId, customerCreated: customer.ref.created && !customersWithPlan.has(customer.ref.customerId),
      product, quote, decision: { rules, risk }, routing,
      ids: { plan: ids.next(), journal: ids.next(), event: ids.next(), delivery: ids.next(), audit: ids.next() },
    };
    customersWithPlan.add(customer.ref.customerId);
    customer.line = { ...customer.line!, used_fen: customer.line!.used_fen + quote.financed };
    partners = takeQuota(partners, routing);
    facts.takenOrders.add(orderKey(item.input.merchantId, item.input.merchantOrderId));
    results.push(ok(plan));
  }
  return results;
}

interface Approved { customer: CheckoutCustomer; product: ProductRow; quote: Quote; rules: RuleDecision['checks']; risk: RiskDecision; routing: Routing }

/** The checks in the order checkout has always made them, so an order failing several gets the same error. */
async function decideOne(ctx: Pick<TxContext, 'deps' | 'businessDate'>, input: CreatePlanInput, facts: CheckoutFacts, partners: CheckoutFacts['partners']): Promise<Result<Approved, DomainError>> {
  const product = facts.products.get(offerKey(input))!;
  if (!product.ok) return product;
  const customer = facts.customers.get(input.phone)!;
  const { line, profile } = customer;
  if (!line || profile.status !== 'active') return err(domainError('account_cancelled', 'this customer account is cancelled'));

  const firstDue = firstDueDate(ctx.businessDate, profile.statement_day, profile.due_day);
  const quote = buildQuote(termsFromProduct(product.value, input.amount, input.downPayment, firstDue, profile.due_day));
  if (!quote.ok) return quote;

  // The wall clock and the business date can differ (a simulator, a back-dated import): an
  // account "created after" the business date counts as brand new, not as negative age.
  const accountAgeDays = Math.max(0, daysBetween(shanghaiDateOf(profile.created_at), ctx.businessDate));
  const overdueInstallments = customer.overdueInstallments;
  const rules = applyOriginationRules({
    limitFen: line.limit_fen, usedFen: line.used_fen, frozen: line.frozen, financedFen: quote.value.financed,
    accountAgeDays, minAccountAgeDays: ctx.deps.config.minAccountAgeDays, overdueInstallments,
  });
  if (!rules.approve) return err(domainError(rules.declineCode!, declineMessage(rules.declineCode!, line.limit_fen - line.used_fen), undefined, { checks: rules.checks }));
  const risk = await ctx.deps.risk.decide({
    customerId: customer.ref.customerId, financedFen: quote.value.financed, availableFen: line.limit_fen - line.used_fen, accountAgeDays, overdueInstallments,
  });
  if (!risk.approve) return err(domainError('origination_declined', `declined by ${risk.source}: ${risk.reasons.join('; ')}`));
  // 资金方: which partner funds this plan (quota, product, merchant, priority), and why.
  const routing = decideRouting(partners, { productId: input.productId, merchantId: input.merchantId, financedFen: quote.value.financed });
  if (!routing.ok) return routing;
  if (facts.takenOrders.has(orderKey(input.merchantId, input.merchantOrderId))) return err(merchantOrderExists(input.merchantOrderId));
  return ok({ customer, product: product.value, quote: quote.value, rules: rules.checks, risk, routing: routing.value });
}

export const merchantOrderExists = (merchantOrderId: string): DomainError =>
  domainError('merchant_order_exists', `order ${merchantOrderId} already has an installment plan`, 'merchantOrderId');

function declineMessage(code: string, availableFen: number): string {
  if (code === 'credit_line_frozen') return 'the credit line is frozen; new plans are not possible until it is unfrozen (repayment is still possible)';
  if (code === 'credit_line_insufficient') return `the credit line is short: ${(availableFen / 100).toFixed(2)} yuan available`;
  return 'the plan was declined by the origination rules';
}
