import type { Selectable } from 'kysely';
import { parseQuoteRequest, buildQuote } from '../../core/pricing/quote.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import type { ProductsTable } from '../../adapters/db/schema.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import { parseServicingRules } from './product-rules.ts';

/** A product version's terms: pricing, and the servicing rules every plan made from it carries. */
export interface ProductTermsInput {
  name: string;
  method: string;
  terms: number;
  annualRate?: string;
  monthlyFeeRate?: string;
  totalFeeRate?: string;
  subsidyRate?: string;
  rounding?: string;
  graceDays?: number;
  /** JSON form of core/charges/late-charge-rule.ts (money in fen). */
  lateChargeRule?: unknown;
  /** A code from core/allocation/registry.ts. */
  allocationStrategy?: string;
  /** JSON form of core/payoff/payoff-policy.ts (money in fen). */
  payoffPolicy?: unknown;
  aprCapPercent?: string;
}

export type ProductRow = Selectable<ProductsTable>;
export interface DefinedProduct { productId: string; version: number; apr: string; product: ProductRow }
export type VersionSlot = Result<{ productId: string; version: number; code: string }, DomainError>;

/** Sample price used to check a product's APR against its cap at definition time. */
const SAMPLE_AMOUNT = '10000.00';
const SAMPLE_FIRST_DUE = '2026-01-10';

/**
 * Validates and writes one product version. The pricing terms go through the quote engine
 * checkout uses (so a product whose APR is over its cap cannot be offered) and the servicing
 * rules through the core parsers servicing uses; everything is stored normalised. `slot`
 * decides the id, version and code (a new product, or the next version of one), and runs
 * only once the input is known to be valid.
 */
export async function saveProductVersion(ctx: TxContext, input: ProductTermsInput, slot: () => Promise<VersionSlot>): Promise<Result<DefinedProduct, DomainError>> {
  const terms = parseQuoteRequest({
    amount: SAMPLE_AMOUNT, terms: input.terms, method: input.method, firstDue: SAMPLE_FIRST_DUE, annualRate: input.annualRate,
    monthlyFeeRate: input.monthlyFeeRate, totalFeeRate: input.totalFeeRate, subsidyRate: input.subsidyRate,
    rounding: input.rounding, aprCapPercent: input.aprCapPercent,
  });
  if (!terms.ok) return terms;
  const sample = buildQuote(terms.value);
  if (!sample.ok) return sample;
  const rules = parseServicingRules({ ...input, terms: terms.value.terms });
  if (!rules.ok) return rules;
  const target = await slot();
  if (!target.ok) return target;
  const { productId, version, code } = target.value;
  const t = terms.value;
  const r = rules.value;
  const product = await ctx.tx.insertInto('products').values({
    id: productId, version, code, name: input.name, method: t.method, terms: t.terms,
    annual_rate: t.annualRate?.percent ?? null, monthly_fee_rate: t.monthlyFeeRate?.percent ?? null,
    total_fee_rate: t.totalFeeRate?.percent ?? null, subsidy_rate: t.subsidyRate?.percent ?? null, rounding: t.rounding,
    grace_days: r.graceDays, late_charge_rule: JSON.stringify(r.lateChargeRule), allocation_strategy: r.allocationStrategy,
    payoff_policy: JSON.stringify(r.payoffPolicy), apr_cap: t.aprCap.percent, status: 'active', created_at: ctx.at,
  }).onConflict((oc) => oc.doNothing()).returningAll().executeTakeFirst();
  // Two operators publishing the same version (or code) at once: the loser is told, not given a 500.
  if (!product) return err(domainError('conflict', `product ${code} version ${version} was just published by someone else; reload and retry`, 'productId'));
  await audit(ctx, 'product.define', `product:${productId}`, { code, version, method: t.method, terms: t.terms });
  return ok({ productId, version, apr: sample.value.aprPercent, product });
}

/** The next version of an existing, active product; its code never changes. */
export async function nextVersionSlot(ctx: TxContext, productId: string, code?: string): Promise<VersionSlot> {
  const latest = await ctx.tx.selectFrom('products').select(['version', 'code', 'status'])
    .where('id', '=', productId).orderBy('version', 'desc').limit(1).forUpdate().executeTakeFirst();
  if (!latest) return err(domainError('product_not_found', 'no product with that id', 'productId'));
  if (latest.status === 'retired') return err(domainError('conflict', 'this product is retired; define a new product instead', 'productId'));
  if (code !== undefined && code !== latest.code) return err(domainError('validation_failed', `a product's code cannot change between versions (it is ${latest.code})`, 'code'));
  return ok({ productId, version: latest.version + 1, code: latest.code });
}

/** Version 1 of a new product; codes are unique across products. */
export async function newProductSlot(ctx: TxContext, code: string): Promise<VersionSlot> {
  const taken = await ctx.tx.selectFrom('products').select('id').where('code', '=', code).limit(1).executeTakeFirst();
  if (taken) return err(domainError('conflict', `a product with code ${code} exists (${taken.id}); publish a new version of it instead`, 'code'));
  return ok({ productId: ctx.deps.ids.next(), version: 1, code });
}
