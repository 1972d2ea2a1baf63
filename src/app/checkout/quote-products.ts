import { buildQuote } from '../../core/pricing/quote.ts';
import { formatYuan } from '../../core/money/parse.ts';
import { firstDueDate } from '../../core/calendar/billing-cycle.ts';
import type { Fen } from '../../core/money/fen.ts';
import type { AppDeps } from '../deps.ts';
import { offeredProducts, termsFromProduct } from './product-terms.ts';

/**
 * Every product the merchant offers, priced for one amount, cheapest monthly payment first
 * labelled for the product page. The schedule uses the deployment's default cycle; a real
 * customer's plan uses their own due day, which can move the first date but not the amounts.
 */
export async function quoteProducts(deps: AppDeps, merchantId: string, amount: Fen, downPayment: Fen) {
  const today = await deps.calendar.today();
  const firstDue = firstDueDate(today, deps.config.statementDay, deps.config.dueDay);
  const products = await offeredProducts(deps.db, merchantId);
  const options = [];
  for (const p of products) {
    const q = buildQuote(termsFromProduct(p, amount, downPayment, firstDue));
    if (!q.ok) continue;
    const first = q.value.installments[0]!;
    options.push({
      productId: p.id, productVersion: p.version, code: p.code, name: p.name, method: p.method, terms: p.terms,
      monthlyPayment: formatYuan(first.total), firstDueDate: first.dueDate, totalInterest: formatYuan(q.value.totalInterest),
      totalFees: formatYuan(q.value.totalFees), totalCost: formatYuan(q.value.totalInterest + q.value.totalFees),
      totalRepayment: formatYuan(q.value.totalRepayment), apr: q.value.aprPercent, financed: formatYuan(q.value.financed),
      label: `低至 ¥${formatYuan(first.total)}/月 × ${p.terms}期`,
    });
  }
  return options;
}
