import { Loan, type LoanInstance, type LoanType } from 'loanjs';
import { addDays } from '../../src/core/calendar/business-date.ts';
import { formatYuan } from '../../src/core/money/parse.ts';
import { buildQuote, parseQuoteRequest, pricingInputFor, quote, type Quote, type QuoteRequest, type QuoteTerms } from '../../src/core/pricing/quote.ts';
import { pricingMethod } from '../../src/core/pricing/registry.ts';
import type { PricingInput, PricingMethod, ScheduledInstallment } from '../../src/core/pricing/types.ts';

/**
 * The pairs compared: Fenqi's method code and the loanjs loan type that computes the same
 * schedule shape. 等额本息 = annuity (payment at the end of each month, not annuityDue);
 * 等额本金 = diminishing.
 */
export const METHOD_PAIRS = [
  { method: 'equal-installment', loanType: 'annuity' },
  { method: 'equal-principal', loanType: 'diminishing' },
] as const satisfies readonly { method: string; loanType: LoanType }[];
export type MethodPair = (typeof METHOD_PAIRS)[number];

/**
 * Every loan's first due date, unless --first-due-days spreads them over that many days (loan k
 * gets FIRST_DUE + k mod N). Quotes priced on one day share a first due date, which is what
 * Fenqi's due-date memo counts on; spreading them over more days than the memo holds shows the
 * cost when it misses.
 */
const FIRST_DUE = '2026-01-15';
/** Above every generated rate, so no quote is refused and every call does the full work. */
const APR_CAP_PERCENT = '36';

/** One loan both libraries price: the same amount, rate and term count. */
export interface LoanCase {
  amountFen: number;
  ratePercent: string;
  terms: number;
  request: QuoteRequest;
  parsed: QuoteTerms;
  pricing: PricingInput;
  method: PricingMethod;
  amountYuan: number;
  rateNumber: number;
  loanType: LoanType;
}

/** Small deterministic PRNG (mulberry32) so every run prices the same loans. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Amounts from ¥100.00 to ¥100,000.00 with random fen; annual rates 3.00%–23.99% in basis
 * points, the range consumer installment products are quoted in under the 24% line. The
 * amounts and rates do not depend on firstDueDays.
 */
export function makeCases(count: number, terms: number, pair: MethodPair, seed = 20260115, firstDueDays = 1): LoanCase[] {
  const rand = prng(seed);
  const cases: LoanCase[] = [];
  for (let k = 0; k < count; k++) {
    const amountFen = 10_000 + Math.floor(rand() * 9_990_001);
    const bp = 300 + Math.floor(rand() * 2_100);
    cases.push(makeCase(amountFen, String(bp / 100), terms, pair, addDays(FIRST_DUE, k % firstDueDays)));
  }
  return cases;
}

function makeCase(amountFen: number, ratePercent: string, terms: number, pair: MethodPair, firstDue: string): LoanCase {
  const request: QuoteRequest = {
    amount: formatYuan(amountFen), terms, method: pair.method, firstDue,
    annualRate: ratePercent, aprCapPercent: APR_CAP_PERCENT,
  };
  const parsed = parseQuoteRequest(request);
  if (!parsed.ok) throw new Error(`bench input rejected: ${parsed.error.message}`);
  return {
    amountFen, ratePercent, terms, request, parsed: parsed.value,
    // Built as buildQuote builds it, so the schedule-only job passes the object shape production passes.
    pricing: pricingInputFor(parsed.value),
    method: pricingMethod(pair.method)!,
    amountYuan: amountFen / 100, rateNumber: Number(ratePercent), loanType: pair.loanType,
  };
}

/** What is timed. Each returns a number derived from the result so the work cannot be skipped. */
export const IMPLS = {
  /** Fenqi end to end: parse the raw request, schedule, invariants, APR (IRR), totals. */
  'fenqi-quote': (c: LoanCase) => checkQuote(quote(c.request)).totalRepayment,
  /** Fenqi from already-parsed terms: schedule, invariants, APR, totals. */
  'fenqi-build': (c: LoanCase) => checkQuote(buildQuote(c.parsed)).totalRepayment,
  /** Fenqi schedule only (with due dates): the like-for-like comparison with loanjs. */
  'fenqi-schedule': (c: LoanCase) => lastTotal(c.method.schedule(c.pricing)),
  /** loanjs called as its types declare (a function; `new Loan(...)` returns the same object). */
  loanjs: (c: LoanCase) => loanjs(c).sum,
} as const;
export type ImplName = keyof typeof IMPLS;
export const IMPL_NAMES = Object.keys(IMPLS) as ImplName[];

export function loanjs(c: LoanCase): LoanInstance {
  return Loan(c.amountYuan, c.terms, c.rateNumber, c.loanType);
}

function checkQuote(q: ReturnType<typeof quote>): Quote {
  if (!q.ok) throw new Error(`bench quote refused: ${q.error.message}`);
  return q.value;
}

function lastTotal(s: ScheduledInstallment[]): number {
  return s[s.length - 1]!.total;
}
