/**
 * The pricing methods are written for speed (one loop, shared due dates, a number fast path in
 * mulDiv). These properties hold them to a plain reference written here: bigint arithmetic,
 * the same rounding rules, due dates from the Date object, intermediate arrays everywhere.
 * Row by row, every figure and date must be identical.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { floorDiv, floorDivByReciprocal, mulDiv } from '../money/fen.ts';
import { parsePercent, type Rate } from '../money/rate.ts';
import { ROUNDING_MODES, type RoundingMode } from '../money/rounding.ts';
import { monthlyDueDates, sharedMonthlyDueDates, type BusinessDate } from '../calendar/business-date.ts';
import { annualisedIrr } from './apr.ts';
import { roundFloatToFen } from './equal-installment.ts';
import { buildQuote } from './quote.ts';
import { PRICING_METHOD_CODES, pricingMethod } from './registry.ts';
import type { PricingInput, ScheduledInstallment } from './types.ts';

// ---- reference ----

/** n / d rounded by mode; half-up is half away from zero. */
function refDiv(n: bigint, d: bigint, mode: RoundingMode): bigint {
  if (d < 0n) { n = -n; d = -d; }
  const negative = n < 0n;
  const abs = negative ? -n : n;
  let q = abs / d;
  const r = abs % d;
  const up = r !== 0n && (mode === 'up' || (mode === 'half-up' && 2n * r >= d) || (mode === 'half-even' && (2n * r > d || (2n * r === d && q % 2n === 1n))));
  if (up) q += 1n;
  return negative ? -q : q;
}

/** Due dates the way they were first written: a Date per month for the month's length. */
function refDueDates(firstDue: BusinessDate, terms: number, dueDay?: number): BusinessDate[] {
  const [y, m, d] = firstDue.split('-').map(Number) as [number, number, number];
  const day = dueDay ?? d;
  const dates = [firstDue];
  for (let k = 1; k < terms; k++) {
    const monthEnd = new Date(Date.UTC(y, m - 1 + k + 1, 0));
    const dd = Math.min(day, monthEnd.getUTCDate());
    dates.push(`${String(monthEnd.getUTCFullYear()).padStart(4, '0')}-${String(monthEnd.getUTCMonth() + 1).padStart(2, '0')}-${String(dd).padStart(2, '0')}`);
  }
  return dates;
}

/** total split into n parts, the last absorbing the residue; floor if rounding would make the last negative. */
function refSplit(total: bigint, n: number, mode: RoundingMode): bigint[] {
  let each = refDiv(total, BigInt(n), mode);
  if (total - each * BigInt(n - 1) < 0n) each = total / BigInt(n);
  const parts = new Array<bigint>(n).fill(each);
  parts[n - 1] = total - each * BigInt(n - 1);
  return parts;
}

function refSchedule(code: string, i: PricingInput): ScheduledInstallment[] {
  const n = i.terms;
  const financed = BigInt(i.financed);
  const monthly = (balance: bigint, rate: Rate) => refDiv(balance * BigInt(rate.num), BigInt(rate.den) * 12n, i.rounding);
  let principal: bigint[] = new Array<bigint>(n).fill(0n);
  let interest: bigint[] = new Array<bigint>(n).fill(0n);
  let fee: bigint[] = new Array<bigint>(n).fill(0n);
  switch (code) {
    case 'equal-installment': {
      const rate = i.annualRate!;
      if (rate.num === 0) { principal = refSplit(financed, n, i.rounding); break; }
      // The level payment is the one float that becomes money; the reference takes it the same way.
      const r = rate.num / rate.den / 12;
      const payment = BigInt(roundFloatToFen(i.financed * r / (1 - Math.pow(1 + r, -n)), i.rounding));
      let balance = financed;
      for (let k = 0; k < n; k++) {
        interest[k] = monthly(balance, rate);
        const wanted = payment - interest[k]!;
        principal[k] = k === n - 1 ? balance : wanted < 0n ? 0n : wanted > balance ? balance : wanted;
        balance -= principal[k]!;
      }
      break;
    }
    case 'equal-principal': {
      principal = refSplit(financed, n, i.rounding);
      let balance = financed;
      for (let k = 0; k < n; k++) { interest[k] = monthly(balance, i.annualRate!); balance -= principal[k]!; }
      break;
    }
    case 'fee-per-period':
      principal = refSplit(financed, n, i.rounding);
      if (i.monthlyFeeRate) fee = fee.map(() => refDiv(financed * BigInt(i.monthlyFeeRate!.num), BigInt(i.monthlyFeeRate!.den), i.rounding));
      else fee = refSplit(refDiv(financed * BigInt(i.totalFeeRate!.num), BigInt(i.totalFeeRate!.den), i.rounding), n, i.rounding);
      break;
    case 'interest-free':
      principal = refSplit(financed, n, i.rounding);
      break;
    case 'interest-only':
      principal[n - 1] = financed;
      interest = interest.map(() => monthly(financed, i.annualRate!));
      break;
    default:
      throw new Error(`no reference for ${code}`);
  }
  const dates = refDueDates(i.firstDue, n, i.dueDay);
  let remaining = financed;
  return dates.map((dueDate, k) => {
    remaining -= principal[k]!;
    return {
      number: k + 1, dueDate, principal: Number(principal[k]), interest: Number(interest[k]), fee: Number(fee[k]),
      total: Number(principal[k]! + interest[k]! + fee[k]!), remainingPrincipal: Number(remaining),
    };
  });
}

// ---- inputs ----

const rate = (text: string): Rate => {
  const r = parsePercent(text);
  assert.ok(r.ok, text);
  return r.value;
};
/** Percents up to `max` with up to six decimals, so denominators reach 10^8 and the bigint path is taken too. */
const percent = (max: number) => fc.oneof(
  fc.integer({ min: 0, max: max * 100 }).map((h) => rate((h / 100).toFixed(2))),
  fc.integer({ min: 0, max: max * 1_000_000 }).map((u) => rate((u / 1_000_000).toFixed(6))),
);
const firstDue = fc.integer({ min: 1900 * 12, max: 2999 * 12 + 11 }).chain((monthIndex) => {
  const y = Math.floor(monthIndex / 12), m = (monthIndex % 12) + 1;
  return fc.integer({ min: 1, max: new Date(Date.UTC(y, m, 0)).getUTCDate() })
    .map((d) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
});
const inputs = fc.record({
  financed: fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 10_000, max: 10_000_000 }), fc.integer({ min: 1, max: 1e11 })),
  terms: fc.oneof(fc.constantFrom(3, 6, 12, 24, 36), fc.integer({ min: 1, max: 360 })),
  rounding: fc.constantFrom(...ROUNDING_MODES),
  annualRate: percent(36),
  monthlyFeeRate: percent(3),
  totalFeeRate: percent(30),
  useTotalFee: fc.boolean(),
  // A few fixed first due dates so the due-date memo is hit as well as missed.
  firstDue: fc.oneof(firstDue, fc.constantFrom('2026-01-31', '2026-01-15', '2028-02-29')),
  dueDay: fc.option(fc.integer({ min: 1, max: 31 }), { nil: undefined }),
});
type Inputs = typeof inputs extends fc.Arbitrary<infer T> ? T : never;

const pricingInput = (i: Inputs): PricingInput => ({
  financed: i.financed, terms: i.terms, rounding: i.rounding, firstDue: i.firstDue, annualRate: i.annualRate,
  ...(i.useTotalFee ? { totalFeeRate: i.totalFeeRate } : { monthlyFeeRate: i.monthlyFeeRate }),
  ...(i.dueDay !== undefined ? { dueDay: i.dueDay } : {}),
});

// ---- properties ----

for (const code of PRICING_METHOD_CODES) {
  test(`${code}: the optimised schedule equals the bigint reference row by row`, () => {
    fc.assert(fc.property(inputs, (i) => {
      const input = pricingInput(i);
      const expected = refSchedule(code, input);
      const actual = pricingMethod(code)!.schedule(input);
      assert.deepEqual(actual, expected);
      // Rows are the caller's own: changing one must not leak into the next schedule.
      actual[0]!.dueDate = 'changed';
      actual[0]!.principal = -1;
      assert.deepEqual(pricingMethod(code)!.schedule(input), expected);
    }), { numRuns: 400 });
  });
}

test('buildQuote totals and APR are those of the reference rows', () => {
  fc.assert(fc.property(inputs, fc.constantFrom('equal-installment', 'equal-principal', 'fee-per-period', 'interest-only'), (i, method) => {
    const input = pricingInput(i);
    const q = buildQuote({
      amount: i.financed, downPayment: 0, terms: i.terms, method, firstDue: i.firstDue, rounding: i.rounding,
      annualRate: i.annualRate, monthlyFeeRate: input.monthlyFeeRate, totalFeeRate: input.totalFeeRate, aprCap: rate('9999'),
      ...(i.dueDay !== undefined ? { dueDay: i.dueDay } : {}),
    });
    assert.ok(q.ok);
    const rows = refSchedule(method, input);
    const sum = (f: (r: ScheduledInstallment) => number) => rows.reduce((s, r) => s + f(r), 0);
    assert.deepEqual(q.value.installments, rows);
    assert.equal(q.value.totalInterest, sum((r) => r.interest));
    assert.equal(q.value.totalFees, sum((r) => r.fee));
    assert.equal(q.value.totalRepayment, sum((r) => r.total));
    assert.equal(q.value.apr, annualisedIrr(i.financed, rows.map((r) => r.total)));
  }), { numRuns: 200 });
});

test('shared due dates equal freshly computed ones, also after eviction', () => {
  // Far more distinct arguments than the table has slots, so entries are evicted and recomputed.
  fc.assert(fc.property(firstDue, fc.integer({ min: 1, max: 360 }), fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }), (first, terms, dueDay) => {
    const fresh = monthlyDueDates(first, terms, dueDay);
    const shared = sharedMonthlyDueDates(first, terms, dueDay);
    assert.deepEqual(shared, fresh);
    assert.deepEqual(sharedMonthlyDueDates(first, terms, dueDay), fresh);
    if (dueDay === undefined || (dueDay >= 1 && dueDay <= 31)) assert.deepEqual(fresh, refDueDates(first, terms, dueDay));
  }), { numRuns: 1000 });
});

test('mulDiv agrees with bigint where the number fast path and the bigint path meet', () => {
  const edge = fc.oneof(
    fc.integer({ min: 0, max: 1e11 }),
    fc.integer({ min: Number.MAX_SAFE_INTEGER - 1e6, max: Number.MAX_SAFE_INTEGER }),
    fc.integer({ min: -1e11, max: 1e11 }),
  );
  const factor = fc.oneof(fc.integer({ min: 0, max: 1e8 }), fc.integer({ min: -1e8, max: 1e8 }), fc.constant(1));
  const divisor = fc.oneof(fc.integer({ min: 1, max: 1_200_000_000 }), fc.integer({ min: -1e6, max: 1e6 }).filter((d) => d !== 0), fc.constantFrom(2, 12, 120_000));
  fc.assert(fc.property(edge, factor, divisor, fc.constantFrom(...ROUNDING_MODES), (a, n, d, mode) => {
    const expected = refDiv(BigInt(a) * BigInt(n), BigInt(d), mode);
    fc.pre(expected >= BigInt(Number.MIN_SAFE_INTEGER) && expected <= BigInt(Number.MAX_SAFE_INTEGER));
    assert.equal(mulDiv(a, n, d, mode), Number(expected), `${a} × ${n} / ${d} (${mode})`);
  }), { numRuns: 5000 });
});

test('parsePercent gives the exact reduced fraction and the normalised text', () => {
  const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));
  fc.assert(fc.property(fc.integer({ min: 0, max: 9999 }), fc.option(fc.stringMatching(/^\d{1,6}$/), { nil: undefined }), (whole, digits) => {
    const text = digits === undefined ? String(whole) : `${whole}.${digits}`;
    const r = parsePercent(text);
    assert.ok(r.ok, text);
    // text / 100 as a fraction of bigints, reduced.
    const places = digits?.length ?? 0;
    let num = BigInt(whole) * 10n ** BigInt(places) + BigInt(digits ?? 0);
    let den = 100n * 10n ** BigInt(places);
    const g = num === 0n ? den : gcd(num, den);
    num /= g;
    den /= g;
    assert.deepEqual([r.value.num, r.value.den], [Number(num), Number(den)], text);
    const trimmed = (digits ?? '').replace(/0+$/, '');
    assert.equal(r.value.percent, trimmed ? `${whole}.${trimmed}` : String(whole));
  }), { numRuns: 2000 });
});

test('floorDiv, and floorDivByReciprocal within its range (n + d ≤ 2^53), are exact', () => {
  const MAX = 2 ** 53;
  const divisor = fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 1_200_000_000 }), fc.integer({ min: 1, max: 2 ** 40 }));
  // n = q × d + r with q anywhere up to the top of the range and r often 0, 1 or d − 1: just
  // below the next multiple, where n × (1/d) rounds up to q + 1 and the correction step works.
  const where = fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom('low', 'one', 'high', 'any'), fc.double({ min: 0, max: 1, noNaN: true }));
  fc.assert(fc.property(divisor, where, (d, [at, kind, any]) => {
    const qMax = Math.floor((MAX - 2 * d) / d);
    const q = Math.floor(at < 0.5 ? qMax - at * Math.min(qMax, 2000) : at * qMax);
    const r = kind === 'low' ? 0 : kind === 'one' ? Math.min(1, d - 1) : kind === 'high' ? d - 1 : Math.floor(any * (d - 1));
    const n = q * d + r;
    assert.equal(floorDiv(n, d), q, `${n} / ${d}`);
    assert.equal(floorDivByReciprocal(n, d, 1 / d), q, `${n} × 1/${d}`);
  }), { numRuns: 20000 });
});
