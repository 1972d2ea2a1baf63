import { assertFen, mulDiv, type Fen } from '../money/fen.ts';
import { parseYuan } from '../money/parse.ts';
import { parsePercent, rateToNumber, type Rate } from '../money/rate.ts';
import { DEFAULT_ROUNDING, isRoundingMode, type RoundingMode } from '../money/rounding.ts';
import { parseBusinessDate, type BusinessDate } from '../calendar/business-date.ts';
import { domainError, type DomainError } from '../errors.ts';
import { err, invariant, ok, type Result } from '../result.ts';
import { annualisedIrr, formatPercent } from './apr.ts';
import { pricingMethod, PRICING_METHOD_CODES } from './registry.ts';
import type { PricingInput, ScheduledInstallment } from './types.ts';

export const DEFAULT_APR_CAP_PERCENT = '24';
export const MAX_TERMS = 360;

/** Parsed, validated terms of a quote: exact values only. */
export interface QuoteTerms {
  amount: Fen;
  downPayment: Fen;
  terms: number;
  method: string;
  firstDue: BusinessDate;
  dueDay?: number;
  rounding: RoundingMode;
  annualRate?: Rate;
  monthlyFeeRate?: Rate;
  totalFeeRate?: Rate;
  subsidyRate?: Rate;
  aprCap: Rate;
}

export interface Quote {
  amount: Fen;
  downPayment: Fen;
  financed: Fen;
  terms: number;
  method: string;
  rounding: RoundingMode;
  /** Annualised IRR as a fraction; `aprPercent` is what is shown. */
  apr: number;
  aprPercent: string;
  totalInterest: Fen;
  totalFees: Fen;
  totalRepayment: Fen;
  /** What the merchant pays to subsidise an interest-free plan (0 otherwise). */
  merchantSubsidy: Fen;
  installments: ScheduledInstallment[];
}

/** Raw quote request as it arrives from the CLI or HTTP: strings and numbers, unvalidated. */
export interface QuoteRequest {
  amount: unknown;
  terms: unknown;
  method: unknown;
  firstDue: unknown;
  annualRate?: unknown;
  monthlyFeeRate?: unknown;
  totalFeeRate?: unknown;
  subsidyRate?: unknown;
  downPayment?: unknown;
  downPaymentPercent?: unknown;
  rounding?: unknown;
  aprCapPercent?: unknown;
  dueDay?: unknown;
}

type Parsed<T> = Result<T, DomainError>;

function optionalRate(value: unknown, field: string): Parsed<Rate | undefined> {
  return value === undefined || value === null || value === '' ? ok(undefined) : parsePercent(value, field);
}

/** Turns a raw request into exact terms, or the first thing wrong with it. */
export function parseQuoteRequest(req: QuoteRequest): Parsed<QuoteTerms> {
  const amount = parseYuan(req.amount, { field: 'amount', allowZero: false });
  if (!amount.ok) return amount;
  const terms = typeof req.terms === 'string' && /^\d+$/.test(req.terms) ? Number(req.terms) : req.terms;
  if (typeof terms !== 'number' || !Number.isInteger(terms) || terms < 1 || terms > MAX_TERMS) {
    return err(domainError('terms_invalid', `terms must be a whole number from 1 to ${MAX_TERMS}; got ${JSON.stringify(req.terms)}`, 'terms'));
  }
  if (typeof req.method !== 'string' || !pricingMethod(req.method)) {
    return err(domainError('method_unknown', `method must be one of ${PRICING_METHOD_CODES.join(', ')}; got ${JSON.stringify(req.method)}`, 'method'));
  }
  const firstDue = parseBusinessDate(req.firstDue, 'firstDue');
  if (!firstDue.ok) return firstDue;
  const rounding = req.rounding ?? DEFAULT_ROUNDING;
  if (!isRoundingMode(rounding)) return err(domainError('validation_failed', 'rounding must be half-up, half-even, down or up', 'rounding'));
  const rates: Record<string, Rate | undefined> = {};
  for (const field of ['annualRate', 'monthlyFeeRate', 'totalFeeRate', 'subsidyRate'] as const) {
    const r = optionalRate(req[field], field);
    if (!r.ok) return r;
    rates[field] = r.value;
  }
  const cap = parsePercent(req.aprCapPercent ?? DEFAULT_APR_CAP_PERCENT, 'aprCapPercent');
  if (!cap.ok) return cap;
  const down = parseDownPayment(req, amount.value, rounding);
  if (!down.ok) return down;
  let dueDay: number | undefined;
  if (req.dueDay !== undefined) {
    if (typeof req.dueDay !== 'number' || !Number.isInteger(req.dueDay) || req.dueDay < 1 || req.dueDay > 31) {
      return err(domainError('validation_failed', 'dueDay must be a day of month from 1 to 31', 'dueDay'));
    }
    dueDay = req.dueDay;
  }
  return ok({
    amount: amount.value, downPayment: down.value, terms, method: req.method, firstDue: firstDue.value, rounding,
    annualRate: rates.annualRate, monthlyFeeRate: rates.monthlyFeeRate, totalFeeRate: rates.totalFeeRate,
    subsidyRate: rates.subsidyRate, aprCap: cap.value, ...(dueDay ? { dueDay } : {}),
  });
}

function parseDownPayment(req: QuoteRequest, amount: Fen, rounding: RoundingMode): Parsed<Fen> {
  const hasAmount = req.downPayment !== undefined && req.downPayment !== null && req.downPayment !== '';
  const hasPercent = req.downPaymentPercent !== undefined && req.downPaymentPercent !== null && req.downPaymentPercent !== '';
  if (hasAmount && hasPercent) return err(domainError('down_payment_invalid', 'give the down payment as an amount or a percent, not both', 'downPayment'));
  let down = 0;
  if (hasAmount) {
    const parsed = parseYuan(req.downPayment, { field: 'downPayment' });
    if (!parsed.ok) return err({ ...parsed.error, code: 'down_payment_invalid' });
    down = parsed.value;
  } else if (hasPercent) {
    const pct = parsePercent(req.downPaymentPercent, 'downPaymentPercent');
    if (!pct.ok) return err({ ...pct.error, code: 'down_payment_invalid' });
    down = mulDiv(amount, pct.value.num, pct.value.den, rounding);
  }
  if (down >= amount) return err(domainError('down_payment_invalid', 'the down payment must be less than the amount', 'downPayment'));
  return ok(down);
}

/**
 * What the pricing method is given for validated terms. Always the same keys in the same order
 * (dueDay present even when undefined): the methods' property reads then see one object shape,
 * where a conditional spread made two and, in a benchmark, let V8 settle on slower code for
 * equal-installment in about one process in five.
 */
export function pricingInputFor(t: QuoteTerms): PricingInput {
  return {
    financed: t.amount - t.downPayment, terms: t.terms, firstDue: t.firstDue, dueDay: t.dueDay || undefined, rounding: t.rounding,
    annualRate: t.annualRate, monthlyFeeRate: t.monthlyFeeRate, totalFeeRate: t.totalFeeRate, subsidyRate: t.subsidyRate,
  };
}

/** Computes the schedule and disclosure for validated terms; refuses products over the APR cap. */
export function buildQuote(t: QuoteTerms): Parsed<Quote> {
  const method = pricingMethod(t.method);
  if (!method) return err(domainError('method_unknown', `unknown method ${t.method}`, 'method'));
  for (const need of method.needs) {
    const present = need === 'annualRate' ? t.annualRate : (t.monthlyFeeRate ?? t.totalFeeRate);
    if (!present) {
      const flag = need === 'annualRate' ? 'annualRate (--annual-rate)' : 'monthlyFeeRate or totalFeeRate (--monthly-fee-rate / --total-fee-rate)';
      return err(domainError('rate_required', `method ${t.method} needs ${flag}`, need === 'annualRate' ? 'annualRate' : 'monthlyFeeRate'));
    }
  }
  if (t.monthlyFeeRate && t.totalFeeRate) return err(domainError('rate_invalid', 'give monthlyFeeRate or totalFeeRate, not both', 'totalFeeRate'));
  const input = pricingInputFor(t);
  const { financed } = input;
  invariant(financed > 0, 'financed amount is positive');
  const installments = method.schedule(input);
  // One pass for the invariant, the totals and the cash flows the APR is computed from.
  let principalSum = 0, totalInterest = 0, totalFees = 0;
  const payments: Fen[] = [];
  for (const row of installments) {
    principalSum += row.principal;
    totalInterest += row.interest;
    totalFees += row.fee;
    payments.push(row.total);
  }
  invariant(principalSum === financed, 'principal parts add up to the financed amount');
  assertFen(totalInterest, 'total interest');
  assertFen(totalFees, 'total fees');
  const apr = annualisedIrr(financed, payments);
  if (apr > rateToNumber(t.aprCap) + 1e-12) {
    return err(domainError('apr_above_cap', `APR ${formatPercent(apr)}% exceeds the cap of ${t.aprCap.percent}%`, 'apr', { apr: formatPercent(apr), cap: t.aprCap.percent }));
  }
  const merchantSubsidy = t.method === 'interest-free' && t.subsidyRate ? mulDiv(financed, t.subsidyRate.num, t.subsidyRate.den, t.rounding) : 0;
  return ok({
    amount: t.amount, downPayment: t.downPayment, financed, terms: t.terms, method: t.method, rounding: t.rounding,
    apr, aprPercent: formatPercent(apr), totalInterest, totalFees, totalRepayment: financed + totalInterest + totalFees,
    merchantSubsidy, installments,
  });
}

export function quote(req: QuoteRequest): Parsed<Quote> {
  const terms = parseQuoteRequest(req);
  return terms.ok ? buildQuote(terms.value) : terms;
}
