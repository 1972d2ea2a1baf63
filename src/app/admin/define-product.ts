import { parseQuoteRequest, buildQuote } from '../../core/pricing/quote.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';

export interface DefineProductInput {
  /** Present to publish a new version of an existing product. */
  productId?: string;
  code: string;
  name: string;
  method: string;
  terms: number;
  annualRate?: string;
  monthlyFeeRate?: string;
  totalFeeRate?: string;
  subsidyRate?: string;
  rounding?: string;
  graceDays?: number;
  lateChargeRule?: Record<string, unknown>;
  allocationStrategy?: string;
  payoffPolicy?: Record<string, unknown>;
  aprCapPercent?: string;
}

export interface DefinedProduct { productId: string; version: number; apr: string }

/** Sample price used to check a product's APR against its cap at definition time. */
const SAMPLE_AMOUNT = '10000.00';
const SAMPLE_FIRST_DUE = '2026-01-10';

export const DEFAULT_LATE_CHARGE_RULE = { code: 'daily-penalty', graceDays: 3, dailyRate: '0.05', base: 'overdue-principal', from: 'due-date' };
export const DEFAULT_PAYOFF_POLICY = { code: 'waive-remaining' };
export const DEFAULT_ALLOCATION = 'penalty-fee-interest-principal';

/**
 * Defines a product, or publishes a new version of one. The terms are run through the same
 * quote engine checkout uses, so a product whose APR is over its cap cannot be offered.
 */
export async function defineProduct(ctx: TxContext, input: DefineProductInput): Promise<Result<DefinedProduct, DomainError>> {
  const terms = parseQuoteRequest({
    amount: SAMPLE_AMOUNT, terms: input.terms, method: input.method, firstDue: SAMPLE_FIRST_DUE, annualRate: input.annualRate,
    monthlyFeeRate: input.monthlyFeeRate, totalFeeRate: input.totalFeeRate, subsidyRate: input.subsidyRate,
    rounding: input.rounding, aprCapPercent: input.aprCapPercent,
  });
  if (!terms.ok) return terms;
  const sample = buildQuote(terms.value);
  if (!sample.ok) return sample;
  let productId = input.productId;
  let version = 1;
  if (productId) {
    const latest = await ctx.tx.selectFrom('products').select(({ fn }) => fn.max('version').as('v')).where('id', '=', productId).executeTakeFirst();
    if (!latest?.v) return err(domainError('product_not_found', 'no product with that id', 'productId'));
    version = Number(latest.v) + 1;
  } else {
    productId = ctx.deps.ids.next();
  }
  const t = terms.value;
  await ctx.tx.insertInto('products').values({
    id: productId, version, code: input.code, name: input.name, method: t.method, terms: t.terms,
    annual_rate: t.annualRate?.percent ?? null, monthly_fee_rate: t.monthlyFeeRate?.percent ?? null,
    total_fee_rate: t.totalFeeRate?.percent ?? null, subsidy_rate: t.subsidyRate?.percent ?? null, rounding: t.rounding,
    grace_days: input.graceDays ?? 3, late_charge_rule: JSON.stringify(input.lateChargeRule ?? DEFAULT_LATE_CHARGE_RULE),
    allocation_strategy: input.allocationStrategy ?? DEFAULT_ALLOCATION, payoff_policy: JSON.stringify(input.payoffPolicy ?? DEFAULT_PAYOFF_POLICY),
    apr_cap: t.aprCap.percent, status: 'active', created_at: ctx.at,
  }).execute();
  await audit(ctx, 'product.define', `product:${productId}`, { code: input.code, version });
  return ok({ productId, version, apr: sample.value.aprPercent });
}

export async function offerProduct(ctx: TxContext, merchantId: string, productId: string): Promise<Result<{ merchantId: string; productId: string }, DomainError>> {
  await ctx.tx.insertInto('merchant_products').values({ merchant_id: merchantId, product_id: productId })
    .onConflict((oc) => oc.columns(['merchant_id', 'product_id']).doNothing()).execute();
  await audit(ctx, 'product.offer', `product:${productId}`, { merchantId });
  return ok({ merchantId, productId });
}
