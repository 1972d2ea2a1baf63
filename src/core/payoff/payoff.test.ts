import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { allocate, applyAllocations } from '../allocation/allocate.ts';
import { addDays } from '../calendar/business-date.ts';
import { COMPONENTS } from '../ledger/accounts.ts';
import { sumFen } from '../money/fen.ts';
import { parsePercent } from '../money/rate.ts';
import type { RoundingMode } from '../money/rounding.ts';
import { pricingMethod, PRICING_METHOD_CODES } from '../pricing/registry.ts';
import { outstandingOf, outstandingTotal, zeroComponents, type InstallmentState } from '../servicing/installment-state.ts';
import { parsePayoffPolicy, payoffPolicyToJson, type PayoffPolicy } from './payoff-policy.ts';
import { payoffQuote, type PayoffInput, type PayoffQuote } from './payoff-quote.ts';

const pct = (p: string) => { const r = parsePercent(p); assert.ok(r.ok); return r.value; };

function plan(method: string, financed: number, terms: number, firstDue: string, rates: { annualRate?: string; monthlyFeeRate?: string }, dueDay?: number): InstallmentState[] {
  const rows = pricingMethod(method)!.schedule({
    financed, terms, firstDue, rounding: 'half-up', ...(dueDay ? { dueDay } : {}),
    ...(rates.annualRate ? { annualRate: pct(rates.annualRate) } : {}), ...(rates.monthlyFeeRate ? { monthlyFeeRate: pct(rates.monthlyFeeRate) } : {}),
  });
  return rows.map((r) => ({ number: r.number, dueDate: r.dueDate, principal: r.principal, interest: r.interest, fee: r.fee, penalty: 0, paid: zeroComponents(), waived: zeroComponents() }));
}
const payInFull = (s: InstallmentState): InstallmentState => ({ ...s, paid: { principal: s.principal, interest: s.interest, fee: s.fee, penalty: s.penalty } });
function quoteOf(input: PayoffInput): PayoffQuote {
  const r = payoffQuote(input);
  assert.ok(r.ok, JSON.stringify(r));
  return r.value;
}

// 等额本息 3,000.00 over 3 months at 12%, from 2026-01-15:
//   #1 2026-02-15  P 990.07  I 30.00  = 1020.07
//   #2 2026-03-15  P 999.97  I 20.10  = 1020.07
//   #3 2026-04-15  P 1009.96 I 10.10  = 1020.06
const ei = plan('equal-installment', 300000, 3, '2026-02-15', { annualRate: '12' });
const eiStart = '2026-01-15';

test('equal-installment mid-period: principal + half of the period interest', () => {
  const q = quoteOf({ installments: [payInFull(ei[0]!), ei[1]!, ei[2]!], startDate: eiStart, asOf: '2026-03-01', rounding: 'half-up' });
  // Period 2 runs 02-15 → 03-15, 28 days; 14 elapsed: 2010 × 14/28 = 1005.
  assert.deepEqual(q.collect, { principal: 200993, interest: 1005, fee: 0, penalty: 0 });
  assert.equal(q.total, 201998);
  // Waived: 2010 − 1005 of period 2, all 1010 of period 3.
  assert.deepEqual(q.waived, { principal: 0, interest: 2015, fee: 0, penalty: 0 });
  assert.equal(q.scheduleRemaining, 204013);
  assert.equal(q.saves, 2015);
  assert.deepEqual(q.lines.map((l) => l.status), ['due', 'current', 'future']);
  assert.deepEqual(q.waivers, [{ installmentNumber: 2, component: 'interest', amount: 1005 }, { installmentNumber: 3, component: 'interest', amount: 1010 }]);
});

test('overdue installment with penalty is collected in full, plus a percent early-repayment fee', () => {
  const overdue = { ...ei[0]!, penalty: 300 };
  const policy: PayoffPolicy = { remainingFees: { code: 'waive-remaining' }, earlyRepaymentFee: { code: 'percent-of-prepaid-principal', rate: pct('1') } };
  const q = quoteOf({ installments: [overdue, ei[1]!, ei[2]!], startDate: eiStart, asOf: '2026-02-20', rounding: 'half-up', policy });
  // #1: 102007 + 300 penalty. Period 2: 5 of 28 days, 2010 × 5/28 = 358.9 → 359. Prepaid principal 200993.
  assert.deepEqual(q.collect, { principal: 300000, interest: 3000 + 359, fee: 0, penalty: 300 });
  assert.equal(q.prepaidPrincipal, 200993);
  assert.equal(q.earlyRepaymentFee, 2010); // 1% of 200993 = 2009.93 → 2010
  assert.equal(q.total, 102307 + 200993 + 359 + 2010);
  assert.equal(q.waivedTotal, 2010 - 359 + 1010);
  assert.equal(q.saves, 2661 - 2010);
});

test('period 1 accrues from the plan start; on a due date that installment is simply due', () => {
  const atStart = quoteOf({ installments: ei, startDate: eiStart, asOf: eiStart, rounding: 'half-up' });
  assert.equal(atStart.total, 300000);
  assert.equal(atStart.waivedTotal, 3000 + 2010 + 1010);
  // 01-15 → 01-25 is 10 of the 31 days to 02-15: 3000 × 10/31 = 967.7 → 968.
  assert.equal(quoteOf({ installments: ei, startDate: eiStart, asOf: '2026-01-25', rounding: 'half-up' }).collect.interest, 968);
  const onDue = quoteOf({ installments: [payInFull(ei[0]!), ei[1]!, ei[2]!], startDate: eiStart, asOf: '2026-03-15', rounding: 'half-up' });
  // #2 due today in full (102007); #3 has accrued nothing yet: its principal 100996 only.
  assert.equal(onDue.total, 102007 + 100996);
  assert.equal(onDue.saves, 1010);
});

test('interest already paid beyond what accrued leaves nothing to collect for the period', () => {
  const prepaid = { ...ei[1]!, paid: { ...zeroComponents(), interest: 1500 } };
  const q = quoteOf({ installments: [payInFull(ei[0]!), prepaid, ei[2]!], startDate: eiStart, asOf: '2026-03-01', rounding: 'half-up' });
  assert.equal(q.collect.interest, 0);
  assert.equal(q.waived.interest, 510 + 1010);
});

test('equal-principal and interest-only prorate by actual days, with the named rounding', () => {
  // 等额本金 6,000.00 / 3 at 12%: interest 60.00, 40.00, 20.00. 10 of 28 days of period 2: 4000 × 10/28 = 1428.57.
  const ep = plan('equal-principal', 600000, 3, '2026-02-15', { annualRate: '12' });
  const input = { installments: [payInFull(ep[0]!), ep[1]!, ep[2]!], startDate: eiStart, asOf: '2026-02-25' };
  assert.equal(quoteOf({ ...input, rounding: 'half-up' }).collect.interest, 1429);
  assert.equal(quoteOf({ ...input, rounding: 'down' }).collect.interest, 1428);
  assert.equal(quoteOf({ ...input, rounding: 'half-up' }).total, 400000 + 1429);
  // 先息后本 10,000.00 / 6 at 12%: 100.00 a month; due on month ends from 2026-02-28.
  const io = plan('interest-only', 1000000, 6, '2026-02-28', { annualRate: '12' }, 31);
  const q = quoteOf({ installments: [payInFull(io[0]!), ...io.slice(1)], startDate: '2026-01-31', asOf: '2026-03-10', rounding: 'half-up' });
  // Period 2 runs 02-28 → 03-31, 31 days; 10 elapsed: 10000 × 10/31 = 3225.8 → 3226. Saves 6774 + 4 × 10000.
  assert.equal(q.total, 1000000 + 3226);
  assert.equal(q.saves, 46774);
});

test('fee methods follow the remaining-fee policy', () => {
  // 分期手续费 6,000.00 / 6 at 0.6% a month: 1000.00 + 36.00 fee each; #1 and #2 paid; asOf in period 3.
  const fp = plan('fee-per-period', 600000, 6, '2026-02-10', { monthlyFeeRate: '0.6' });
  const states = [payInFull(fp[0]!), payInFull(fp[1]!), ...fp.slice(2)];
  const run = (policy: PayoffPolicy) => quoteOf({ installments: states, startDate: '2026-01-10', asOf: '2026-03-20', rounding: 'half-up', policy });
  const none = { code: 'none' } as const;
  const waive = run({ remainingFees: { code: 'waive-remaining' }, earlyRepaymentFee: none });
  assert.deepEqual([waive.total, waive.waivedTotal, waive.saves], [400000, 14400, 14400]);
  const all = run({ remainingFees: { code: 'charge-remaining' }, earlyRepaymentFee: none });
  assert.deepEqual([all.total, all.saves], [414400, 0]);
  const one = run({ remainingFees: { code: 'charge-n-periods', periods: 1 }, earlyRepaymentFee: none });
  assert.deepEqual([one.total, one.waivedTotal], [403600, 10800]);
  assert.deepEqual(one.lines.map((l) => l.collect.fee), [0, 0, 3600, 0, 0, 0]);
  const flat = run({ remainingFees: { code: 'waive-remaining' }, earlyRepaymentFee: { code: 'flat', amount: 5000 } });
  assert.deepEqual([flat.total, flat.saves], [405000, 9400]);
  const free = plan('interest-free', 600000, 6, '2026-02-10', {});
  assert.equal(quoteOf({ installments: [payInFull(free[0]!), payInFull(free[1]!), ...free.slice(2)], startDate: '2026-01-10', asOf: '2026-03-20', rounding: 'half-up' }).saves, 0);
});

test('after the last due date everything is due: nothing waived, no early-repayment fee', () => {
  const policy: PayoffPolicy = { remainingFees: { code: 'waive-remaining' }, earlyRepaymentFee: { code: 'flat', amount: 5000 } };
  const q = quoteOf({ installments: ei, startDate: eiStart, asOf: '2026-05-01', rounding: 'half-up', policy });
  assert.deepEqual([q.total, q.waivedTotal, q.earlyRepaymentFee, q.saves], [306020, 0, 0, 0]);
});

test('errors: before the plan starts, or nothing owed', () => {
  const code = (r: ReturnType<typeof payoffQuote>) => (r.ok ? 'ok' : r.error.code);
  assert.equal(code(payoffQuote({ installments: ei, startDate: eiStart, asOf: '2026-01-14', rounding: 'half-up' })), 'date_invalid');
  assert.equal(code(payoffQuote({ installments: ei.map(payInFull), startDate: eiStart, asOf: '2026-03-01', rounding: 'half-up' })), 'nothing_owed');
});

test('payoff policies parse from JSON and round-trip', () => {
  const json = { remainingFees: { code: 'charge-n-periods', periods: 2 }, earlyRepaymentFee: { code: 'percent-of-prepaid-principal', rate: '1.5' } };
  const parsed = parsePayoffPolicy(json);
  assert.ok(parsed.ok);
  assert.deepEqual(payoffPolicyToJson(parsed.value), json);
  assert.deepEqual(parsePayoffPolicy({}), { ok: true, value: { remainingFees: { code: 'waive-remaining' }, earlyRepaymentFee: { code: 'none' } } });
  const bad = (j: unknown) => { const r = parsePayoffPolicy(j); return r.ok ? 'ok' : r.error.field; };
  assert.equal(bad({ remainingFees: { code: 'charge-n-periods', periods: 0 } }), 'payoffPolicy.remainingFees.periods');
  assert.equal(bad({ remainingFees: { code: 'refund' } }), 'payoffPolicy.remainingFees.code');
  assert.equal(bad({ earlyRepaymentFee: { code: 'flat', amount: -1 } }), 'payoffPolicy.earlyRepaymentFee.amount');
  assert.equal(bad({ earlyRepaymentFee: { code: 'percent-of-prepaid-principal', rate: 'x' } }), 'payoffPolicy.earlyRepaymentFee.rate');
});

const arbPolicy = fc.record({
  fees: fc.oneof(fc.constant({ code: 'waive-remaining' as const }), fc.constant({ code: 'charge-remaining' as const }), fc.integer({ min: 1, max: 5 }).map((periods) => ({ code: 'charge-n-periods' as const, periods }))),
  early: fc.oneof(fc.constant({ code: 'none' as const }), fc.integer({ min: 0, max: 9999 }).map((amount) => ({ code: 'flat' as const, amount })), fc.constantFrom('0.5', '1', '3').map((p) => ({ code: 'percent-of-prepaid-principal' as const, rate: pct(p) }))),
}).map(({ fees, early }): PayoffPolicy => ({ remainingFees: fees, earlyRepaymentFee: early }));

test('a payoff collects or waives every fen owed, and posting it settles the plan', () => {
  fc.assert(fc.property(
    fc.constantFrom(...PRICING_METHOD_CODES), fc.integer({ min: 100, max: 1e8 }), fc.integer({ min: 1, max: 24 }), fc.integer({ min: 0, max: 1e8 }),
    fc.integer({ min: 0, max: 800 }), fc.constantFrom<RoundingMode>('half-up', 'half-even', 'down', 'up'), arbPolicy, fc.integer({ min: 0, max: 5000 }),
    (method, financed, terms, paidAmount, asOfOffset, rounding, policy, penalty) => {
      let states = plan(method, financed, terms, '2026-02-28', { annualRate: '9.5', monthlyFeeRate: '0.7' });
      states[0] = { ...states[0]!, penalty };
      const paid = allocate('penalty-fee-interest-principal', states, paidAmount, '2026-02-28');
      assert.ok(paid.ok);
      states = applyAllocations(states, paid.value.allocations);
      const r = payoffQuote({ installments: states, startDate: '2026-01-31', asOf: addDays('2026-01-31', asOfOffset), rounding, policy });
      if (!r.ok) { assert.equal(r.error.code, 'nothing_owed'); assert.equal(sumFen(states.map(outstandingTotal)), 0); return; }
      const q = r.value;
      assert.equal(q.total, sumFen(COMPONENTS.map((c) => q.collect[c])) + q.earlyRepaymentFee);
      assert.equal(q.saves, q.waivedTotal - q.earlyRepaymentFee);
      assert.equal(q.waived.principal + q.waived.penalty, 0, 'principal and penalty are never waived');
      for (const l of q.lines) if (l.status === 'due') assert.equal(sumFen(COMPONENTS.map((c) => l.waive[c])), 0);
      const settled = applyAllocations(applyAllocations(states, q.waivers, 'waived'), q.allocations);
      for (const s of settled) for (const c of COMPONENTS) assert.equal(outstandingOf(s, c), 0);
    }), { numRuns: 300 });
});
