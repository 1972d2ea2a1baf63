import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addDays } from '../calendar/business-date.ts';
import { parseLateChargeRule, type LateChargeRule, type LateChargeRuleJson } from './late-charge-rule.ts';
import { firstChargeDay, lastGraceDay, lateChargeAccrualOn, lateChargesAsOf, type LateCharges } from './late-charges.ts';
import type { ChargeableInstallment, PaymentRecord } from './payment-history.ts';

function rule(overrides: Partial<LateChargeRuleJson> = {}): LateChargeRule {
  const r = parseLateChargeRule({
    code: 'grace-daily-penalty', graceDays: 3, penaltyDailyRate: '0.05', penaltyBase: 'overdue-amount', penaltyStart: 'from-due-date', rounding: 'half-up', ...overrides,
  });
  assert.ok(r.ok, JSON.stringify(r));
  return r.value;
}
const charges = (penalty: number, lateFee = 0): LateCharges => ({ penalty, lateFee, total: penalty + lateFee });
const none = charges(0);

// Due on a month end; 105000 owed × 0.05% a day = 52.5 → 53 fen a day (half-up).
const jan31: ChargeableInstallment = { dueDate: '2026-01-31', principal: 100000, interest: 5000, fee: 0 };

test('grace boundary: nothing is charged through the last grace day; the grace days are charged once it is missed', () => {
  const r = rule();
  assert.equal(lastGraceDay(r, jan31.dueDate), '2026-02-03');
  assert.equal(firstChargeDay(r, jan31.dueDate), '2026-02-04');
  for (const d of ['2026-01-31', '2026-02-01', '2026-02-03']) {
    assert.deepEqual(lateChargeAccrualOn(r, jan31, [], d), none, d);
    assert.deepEqual(lateChargesAsOf(r, jan31, [], d), none, d);
  }
  // 2026-02-04 posts Feb 1, 2, 3, 4: 4 × 53 = 212. Then 53 a day.
  assert.deepEqual(lateChargeAccrualOn(r, jan31, [], '2026-02-04'), charges(212));
  assert.deepEqual(lateChargeAccrualOn(r, jan31, [], '2026-02-05'), charges(53));
  assert.deepEqual(lateChargesAsOf(r, jan31, [], '2026-02-05'), charges(265));
  // Through 2026-02-28: 28 days × 53 = 1484.
  assert.deepEqual(lateChargesAsOf(r, jan31, [], '2026-02-28'), charges(1484));
});

test('a payment ON the last grace day owes nothing; one day later owes the whole retroactive penalty', () => {
  const r = rule();
  const onLastGraceDay: PaymentRecord[] = [{ date: '2026-02-03', principal: 100000, interest: 5000 }];
  assert.deepEqual(lateChargesAsOf(r, jan31, onLastGraceDay, '2026-12-31'), none);
  assert.deepEqual(lateChargeAccrualOn(r, jan31, onLastGraceDay, '2026-02-04'), none);
  // Paid on 02-04: the payment day counts (算头不算尾 over due date → payment date), so Feb 1–4: 212.
  const dayLate: PaymentRecord[] = [{ date: '2026-02-04', principal: 100000, interest: 5000 }];
  assert.deepEqual(lateChargesAsOf(r, jan31, dayLate, '2026-12-31'), charges(212));
  assert.deepEqual(lateChargeAccrualOn(r, jan31, dayLate, '2026-02-05'), none);
});

test('rounding is per day and by the named mode', () => {
  // 52.5 fen a day: half-even → 52, down → 52, up → 53. Four days at 02-04.
  assert.deepEqual(lateChargesAsOf(rule({ rounding: 'half-even' }), jan31, [], '2026-02-04'), charges(208));
  assert.deepEqual(lateChargesAsOf(rule({ rounding: 'down' }), jan31, [], '2026-02-04'), charges(208));
  assert.deepEqual(lateChargesAsOf(rule({ rounding: 'up' }), jan31, [], '2026-02-04'), charges(212));
});

test('after-grace start, principal base, flat late fee', () => {
  const r = rule({ penaltyStart: 'after-grace', penaltyBase: 'overdue-principal', lateFee: 3000 });
  // 100000 principal × 0.05% = 50 a day, only from 02-04; the late fee posts with the first day.
  assert.deepEqual(lateChargeAccrualOn(r, jan31, [], '2026-02-04'), charges(50, 3000));
  assert.deepEqual(lateChargeAccrualOn(r, jan31, [], '2026-02-05'), charges(50));
  // 02-04 … 02-10 is 7 days: 350 + 3000.
  assert.deepEqual(lateChargesAsOf(r, jan31, [], '2026-02-10'), charges(350, 3000));
  // Interest alone unpaid still misses grace: late fee, but no penalty on a zero principal base.
  const interestOwed: PaymentRecord[] = [{ date: '2026-01-31', principal: 100000 }];
  assert.deepEqual(lateChargesAsOf(r, jan31, interestOwed, '2026-02-10'), charges(0, 3000));
});

test('end of February: grace runs into March', () => {
  const feb28: ChargeableInstallment = { dueDate: '2026-02-28', principal: 100000, interest: 5000, fee: 0 };
  const r = rule();
  assert.equal(firstChargeDay(r, feb28.dueDate), '2026-03-04');
  assert.deepEqual(lateChargesAsOf(r, feb28, [], '2026-03-03'), none);
  assert.deepEqual(lateChargeAccrualOn(r, feb28, [], '2026-03-04'), charges(212)); // Mar 1–4
});

test('leap day: grace runs out on 2028-02-29', () => {
  const r = rule({ graceDays: 1, penaltyBase: 'overdue-principal' });
  const due: ChargeableInstallment = { dueDate: '2028-02-27', principal: 200000, interest: 3000, fee: 0 };
  // 200000 × 0.05% = 100 a day. First charge day 02-29 posts 02-28 and 02-29: 200; 03-01 posts 100.
  assert.equal(firstChargeDay(r, due.dueDate), '2028-02-29');
  assert.deepEqual(lateChargeAccrualOn(r, due, [], '2028-02-28'), none);
  assert.deepEqual(lateChargeAccrualOn(r, due, [], '2028-02-29'), charges(200));
  assert.deepEqual(lateChargeAccrualOn(r, due, [], '2028-03-01'), charges(100));
  assert.deepEqual(lateChargesAsOf(r, due, [], '2028-03-01'), charges(300));
  // Half the principal paid on the leap day: that day still counts in full; 03-01 on 100000 → 50.
  const half: PaymentRecord[] = [{ date: '2028-02-29', principal: 100000 }];
  assert.deepEqual(lateChargeAccrualOn(r, due, half, '2028-02-29'), charges(200));
  assert.deepEqual(lateChargesAsOf(r, due, half, '2028-03-01'), charges(250));
});

test('partial payment within grace does not save it; the base follows the payments', () => {
  const r = rule({ graceDays: 2 });
  const due: ChargeableInstallment = { dueDate: '2026-03-10', principal: 100000, interest: 1000, fee: 0 };
  const history: PaymentRecord[] = [
    { date: '2026-03-15', principal: 50000, interest: 1000 },
    { date: '2026-03-12', principal: 50000 }, // on the last grace day, but only half
  ];
  // 03-11: 101000 → 50.5 → 51; 03-12: still 101000 → 51; 03-13: 51000 → 25.5 → 26. Posted on 03-13: 128.
  assert.deepEqual(lateChargeAccrualOn(r, due, history, '2026-03-13'), charges(128));
  // 03-14: 26; 03-15 (paid that day) 26; 03-16 on: 0. Total 180.
  assert.deepEqual(lateChargeAccrualOn(r, due, history, '2026-03-15'), charges(26));
  assert.deepEqual(lateChargeAccrualOn(r, due, history, '2026-03-16'), none);
  assert.deepEqual(lateChargesAsOf(r, due, history, '2026-03-20'), charges(180));
});

test('the cap covers late fee and penalty together, late fee first', () => {
  const r = rule({ lateFee: 30, capPerInstallment: 100 });
  // 02-04 would post 30 + 212; the cap lets 30 + 70 through and nothing after.
  assert.deepEqual(lateChargeAccrualOn(r, jan31, [], '2026-02-04'), charges(70, 30));
  assert.deepEqual(lateChargeAccrualOn(r, jan31, [], '2026-02-05'), none);
  assert.deepEqual(lateChargesAsOf(r, jan31, [], '2026-03-31'), charges(70, 30));
  assert.deepEqual(lateChargesAsOf(rule({ lateFee: 500, capPerInstallment: 100 }), jan31, [], '2026-03-31'), charges(0, 100));
});

const arbRule = fc.record({
  graceDays: fc.integer({ min: 0, max: 10 }),
  penaltyDailyRate: fc.option(fc.constantFrom('0.05', '0.033', '0.1', '0', '0.0123'), { nil: undefined }),
  penaltyBase: fc.constantFrom('overdue-principal', 'overdue-amount'),
  penaltyStart: fc.constantFrom('from-due-date', 'after-grace'),
  lateFee: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: undefined }),
  capPerInstallment: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: undefined }),
  rounding: fc.constantFrom('half-up', 'half-even', 'down', 'up'),
}).map((j) => rule(j));

const arbCase = fc.record({
  dueOffset: fc.integer({ min: 0, max: 800 }),
  principal: fc.integer({ min: 0, max: 2_000_000 }),
  interest: fc.integer({ min: 0, max: 50_000 }),
  fee: fc.integer({ min: 0, max: 50_000 }),
  payments: fc.array(fc.record({ offset: fc.integer({ min: -5, max: 60 }), share: fc.integer({ min: 0, max: 100 }) }), { maxLength: 4 }),
  asOfOffset: fc.integer({ min: -3, max: 75 }),
}).map((c) => {
  const due: ChargeableInstallment = { dueDate: addDays('2026-01-01', c.dueOffset), principal: c.principal, interest: c.interest, fee: c.fee };
  const left = { principal: c.principal, interest: c.interest, fee: c.fee };
  const history: PaymentRecord[] = c.payments.map((p) => {
    const take = (k: keyof typeof left) => { const a = Math.floor((left[k] * p.share) / 100); left[k] -= a; return a; };
    return { date: addDays(due.dueDate, p.offset), principal: take('principal'), interest: take('interest'), fee: take('fee') };
  });
  return { due, history, asOf: addDays(due.dueDate, c.asOfOffset) };
});

test('daily accruals add up to the as-of total, day by day', () => {
  fc.assert(fc.property(arbRule, arbCase, (r, { due, history, asOf }) => {
    let sum = none;
    for (let d = addDays(due.dueDate, -3); d <= asOf; d = addDays(d, 1)) {
      const a = lateChargeAccrualOn(r, due, history, d);
      assert.ok(a.penalty >= 0 && a.lateFee >= 0 && a.total === a.penalty + a.lateFee);
      sum = charges(sum.penalty + a.penalty, sum.lateFee + a.lateFee);
      assert.deepEqual(sum, lateChargesAsOf(r, due, history, d), `through ${d}`);
    }
    if (r.capPerInstallment !== undefined) assert.ok(sum.total <= r.capPerInstallment);
  }), { numRuns: 300 });
});

test('settling in full by the last grace day always means no charges', () => {
  fc.assert(fc.property(arbRule, arbCase, fc.integer({ min: -5, max: 10 }), (r, { due }, offset) => {
    const date = addDays(due.dueDate, Math.min(offset, r.graceDays));
    const paid: PaymentRecord[] = [{ date, principal: due.principal, interest: due.interest, fee: due.fee }];
    assert.deepEqual(lateChargesAsOf(r, due, paid, addDays(due.dueDate, 400)), none);
  }));
});
