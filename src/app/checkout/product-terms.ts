import { parsePercent, type Rate } from '../../core/money/rate.ts';
import type { RoundingMode } from '../../core/money/rounding.ts';
import type { QuoteTerms } from '../../core/pricing/quote.ts';
import type { BusinessDate } from '../../core/calendar/business-date.ts';
import type { Fen } from '../../core/money/fen.ts';
import type { Selectable } from 'kysely';
import type { ProductsTable } from '../../adapters/db/schema.ts';

export type ProductRow = Selectable<ProductsTable>;

/** Stored rates were validated when the product was defined; a bad one here is a bug. */
function rate(text: string | null): Rate | undefined {
  if (text === null) return undefined;
  const r = parsePercent(text);
  if (!r.ok) throw new Error(`stored rate "${text}" is invalid`);
  return r.value;
}

/** The quote terms a product gives for a price, down payment and first due date. */
export function termsFromProduct(p: ProductRow, amount: Fen, downPayment: Fen, firstDue: BusinessDate, dueDay?: number): QuoteTerms {
  const terms: QuoteTerms = {
    amount, downPayment, terms: p.terms, method: p.method, firstDue, rounding: p.rounding as RoundingMode, aprCap: rate(p.apr_cap)!,
    annualRate: rate(p.annual_rate), monthlyFeeRate: rate(p.monthly_fee_rate), totalFeeRate: rate(p.total_fee_rate), subsidyRate: rate(p.subsidy_rate),
  };
  if (dueDay) terms.dueDay = dueDay;
  return terms;
}

/** The latest active version of each product a merchant may offer. */
export async function offeredProducts(tx: import('../../adapters/db/tx.ts').Db | import('../../adapters/db/tx.ts').Tx, merchantId: string): Promise<ProductRow[]> {
  return tx.selectFrom('products as p')
    .innerJoin('merchant_products as mp', 'mp.product_id', 'p.id')
    .selectAll('p')
    .where('mp.merchant_id', '=', merchantId)
    .where('p.status', '=', 'active')
    .where(({ eb, selectFrom }) => eb('p.version', '=', selectFrom('products as q').select(({ fn }) => fn.max('q.version').as('v')).whereRef('q.id', '=', 'p.id')))
    .orderBy('p.terms').orderBy('p.code')
    .execute();
}
