import { formatYuan } from '../../core/money/parse.ts';
import { sql } from 'kysely';
import { buildQuote, type Quote } from '../../core/pricing/quote.ts';
import { firstDueDate } from '../../core/calendar/billing-cycle.ts';
import { daysBetween } from '../../core/calendar/business-date.ts';
import { shanghaiDateOf } from '../../core/calendar/shanghai.ts';
import { applyOriginationRules } from '../../core/origination/rules.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import type { Fen } from '../../core/money/fen.ts';
import { lockCustomer } from '../../adapters/db/plan-store.ts';
import { postJournal } from '../../adapters/db/ledger-store.ts';
import { findOrCreateCustomer } from '../customers/find-or-create-customer.ts';
import { audit } from '../audit.ts';
import { emitEvent } from '../events.ts';
import { originationEntry } from './origination-entry.ts';
import { termsFromProduct, type ProductRow } from './product-terms.ts';
import { recordPlanFunding, routePartner } from '../partners/route-partner.ts';
import type { TxContext } from '../context.ts';

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
 * Checkout (下单分期): turns a merchant's order into an active plan in one transaction —
 * customer found or created, credit line locked and checked, origination rules and the risk
 * port consulted (the decision and its reasons stored on the plan), schedule frozen, credit
 * line used, journal entry, outbox event and audit record written.
 */
export async function createPlan(ctx: TxContext, input: CreatePlanInput): Promise<Result<CreatedPlan, DomainError>> {
  const product = await offeredProduct(ctx, input.merchantId, input.productId);
  if (!product.ok) return product;
  const customer = await findOrCreateCustomer(ctx, input.phone);
  const line = await lockCustomer(ctx.tx, customer.customerId);
  const profile = await ctx.tx.selectFrom('customers').select(['due_day', 'statement_day', 'status', 'created_at'])
    .where('id', '=', customer.customerId).executeTakeFirstOrThrow();
  if (!line || profile.status !== 'active') return err(domainError('account_cancelled', 'this customer account is cancelled'));

  const firstDue = firstDueDate(ctx.businessDate, profile.statement_day, profile.due_day);
  const quote = buildQuote(termsFromProduct(product.value, input.amount, input.downPayment, firstDue, profile.due_day));
  if (!quote.ok) return quote;

  const overdue = await sql<{ n: number }>`
    select count(*)::int as n from installments i join plans p on p.customer_id = i.customer_id and p.id = i.plan_id
    where i.customer_id = ${customer.customerId} and i.settled_on is null and p.status = 'active'
      and i.due_date + p.grace_days < ${ctx.businessDate}::date`.execute(ctx.tx);
  // The wall clock and the business date can differ (a simulator, a back-dated import): an
  // account "created after" the business date counts as brand new, not as negative age.
  const accountAgeDays = Math.max(0, daysBetween(shanghaiDateOf(profile.created_at), ctx.businessDate));
  const rules = applyOriginationRules({
    limitFen: line.limit_fen, usedFen: line.used_fen, frozen: line.frozen, financedFen: quote.value.financed,
    accountAgeDays, minAccountAgeDays: ctx.deps.config.minAccountAgeDays,
    overdueInstallments: overdue.rows[0]!.n,
  });
  if (!rules.approve) return err(domainError(rules.declineCode!, declineMessage(rules.declineCode!, line.limit_fen - line.used_fen), undefined, { checks: rules.checks }));
  const risk = await ctx.deps.risk.decide({
    customerId: customer.customerId, financedFen: quote.value.financed, availableFen: line.limit_fen - line.used_fen,
    accountAgeDays, overdueInstallments: overdue.rows[0]!.n,
  });
  if (!risk.approve) return err(domainError('origination_declined', `declined by ${risk.source}: ${risk.reasons.join('; ')}`));
  // 资金方: which partner funds this plan (quota, product, merchant, priority), and why.
  const funding = await routePartner(ctx, { productId: input.productId, merchantId: input.merchantId, financedFen: quote.value.financed });
  if (!funding.ok) return funding;

  const planId = ctx.deps.ids.next();
  const order = await ctx.tx.insertInto('merchant_orders')
    .values({ merchant_id: input.merchantId, merchant_order_id: input.merchantOrderId, customer_id: customer.customerId, plan_id: planId })
    .onConflict((oc) => oc.columns(['merchant_id', 'merchant_order_id']).doNothing()).returning('plan_id').executeTakeFirst();
  if (!order) return err(domainError('merchant_order_exists', `order ${input.merchantOrderId} already has an installment plan`, 'merchantOrderId'));

  await insertPlan(ctx, planId, customer.customerId, input, product.value, quote.value, { rules: rules.checks, risk });
  const funded = await recordPlanFunding(ctx, customer.customerId, planId, funding.value);
  if (!funded.ok) return funded;
  await ctx.tx.updateTable('credit_lines').set({ used_fen: line.used_fen + quote.value.financed, updated_at: ctx.at })
    .where('customer_id', '=', customer.customerId).execute();
  await postJournal(ctx.tx, { customerId: customer.customerId, businessDate: ctx.businessDate, at: ctx.at, ids: ctx.deps.ids }, originationEntry(planId, quote.value));
  await emitEvent(ctx, 'plan.created', { merchantId: input.merchantId, customerId: customer.customerId }, {
    planId, merchantOrderId: input.merchantOrderId, financed: formatYuan(quote.value.financed), terms: quote.value.terms, apr: quote.value.aprPercent,
  });
  await audit(ctx, 'plan.create', `plan:${planId}`, { merchantOrderId: input.merchantOrderId, productId: input.productId, amountFen: input.amount });
  return ok({ planId, customerId: customer.customerId, customerCreated: customer.created, quote: quote.value, status: 'active' });
}

async function offeredProduct(ctx: TxContext, merchantId: string, productId: string): Promise<Result<ProductRow, DomainError>> {
  const offered = await ctx.tx.selectFrom('merchant_products').select('product_id')
    .where('merchant_id', '=', merchantId).where('product_id', '=', productId).executeTakeFirst();
  if (!offered) return err(domainError('product_not_offered', 'this merchant does not offer that product', 'productId'));
  const product = await ctx.tx.selectFrom('products').selectAll().where('id', '=', productId).where('status', '=', 'active')
    .orderBy('version', 'desc').limit(1).executeTakeFirst();
  return product ? ok(product) : err(domainError('product_not_found', 'no active product with that id', 'productId'));
}

function declineMessage(code: string, availableFen: number): string {
  if (code === 'credit_line_frozen') return 'the credit line is frozen; new plans are not possible until it is unfrozen (repayment is still possible)';
  if (code === 'credit_line_insufficient') return `the credit line is short: ${(availableFen / 100).toFixed(2)} yuan available`;
  return 'the plan was declined by the origination rules';
}

async function insertPlan(ctx: TxContext, planId: string, customerId: string, input: CreatePlanInput, p: ProductRow, q: Quote, decision: unknown): Promise<void> {
  await ctx.tx.insertInto('plans').values({
    customer_id: customerId, id: planId, merchant_id: input.merchantId, merchant_order_id: input.merchantOrderId,
    product_id: p.id, product_version: p.version, description: input.description ?? null, method: q.method, terms: q.terms,
    amount_fen: q.amount, down_payment_fen: q.downPayment, financed_fen: q.financed, merchant_subsidy_fen: q.merchantSubsidy,
    annual_rate: p.annual_rate, monthly_fee_rate: p.monthly_fee_rate, total_fee_rate: p.total_fee_rate, subsidy_rate: p.subsidy_rate,
    rounding: q.rounding, grace_days: p.grace_days, late_charge_rule: JSON.stringify(p.late_charge_rule),
    allocation_strategy: p.allocation_strategy, payoff_policy: JSON.stringify(p.payoff_policy), apr: q.aprPercent,
    start_date: ctx.businessDate, first_due_date: q.installments[0]!.dueDate, status: 'active', decision: JSON.stringify(decision),
    created_at: ctx.at, updated_at: ctx.at, closed_on: null,
  }).execute();
  await ctx.tx.insertInto('installments').values(q.installments.map((i) => ({
    customer_id: customerId, plan_id: planId, number: i.number, due_date: i.dueDate,
    principal_fen: i.principal, interest_fen: i.interest, fee_fen: i.fee, settled_on: null,
  }))).execute();
}
