import { test } from 'node:test';
import assert from 'node:assert/strict';
import { zeroComponents, type InstallmentState } from '../servicing/installment-state.ts';
import { DEFAULT_DELINQUENCY_BUCKETS, daysPastDue, daysPastDueOfStates, delinquencyBucket, validateBuckets } from './delinquency.ts';
import { parseLateChargeRule, lateChargeRuleToJson } from './late-charge-rule.ts';

const due = { dueDate: '2026-01-31', principal: 100000, interest: 5000, fee: 0 };

test('DPD counts from the due date, grace or not, until principal, interest and fee are paid', () => {
  assert.equal(daysPastDue(due, [], '2026-01-31'), 0);
  assert.equal(daysPastDue(due, [], '2026-02-01'), 1);
  assert.equal(daysPastDue(due, [], '2026-03-02'), 30); // February 2026 has 28 days
  assert.equal(daysPastDue(due, [], '2026-03-03'), 31);
  const paid = [{ date: '2026-02-03', principal: 100000, interest: 5000 }];
  assert.equal(daysPastDue(due, paid, '2026-02-02'), 2);
  assert.equal(daysPastDue(due, paid, '2026-02-03'), 0, 'paid that day');
  assert.equal(daysPastDue(due, [{ date: '2026-02-03', principal: 100000 }], '2026-02-03'), 3, 'interest still owed');
});

test('DPD over leap day: 2028-02-27 to 2028-03-01 is 3 days', () => {
  assert.equal(daysPastDue({ ...due, dueDate: '2028-02-27' }, [], '2028-03-01'), 3);
});

test('plan DPD from states: the oldest unpaid due date; penalty alone does not count', () => {
  const base = (number: number, dueDate: string): InstallmentState => ({
    number, dueDate, principal: 1000, interest: 100, fee: 0, penalty: 0, paid: zeroComponents(), waived: zeroComponents(),
  });
  const settled = { ...base(1, '2026-01-31'), paid: { principal: 1000, interest: 100, fee: 0, penalty: 0 } };
  const penaltyOnly = { ...base(2, '2026-02-28'), penalty: 50, paid: { principal: 1000, interest: 100, fee: 0, penalty: 0 } };
  const plan = [settled, penaltyOnly, base(3, '2026-03-31'), base(4, '2026-04-30')];
  assert.equal(daysPastDueOfStates(plan, '2026-03-31'), 0);
  assert.equal(daysPastDueOfStates(plan, '2026-04-05'), 5);
  assert.equal(daysPastDueOfStates(plan, '2026-05-01'), 31);
});

test('default buckets: M0 current, M1 1–30, M2 31–60, M3 61–90, M4+ over 90', () => {
  const code = (dpd: number) => delinquencyBucket(dpd).code;
  assert.deepEqual([0, 1, 30, 31, 60, 61, 90, 91, 720].map(code), ['M0', 'M1', 'M1', 'M2', 'M2', 'M3', 'M3', 'M4+', 'M4+']);
  assert.equal(validateBuckets(DEFAULT_DELINQUENCY_BUCKETS).ok, true);
  assert.equal(validateBuckets([{ code: 'A', minDays: 0, maxDays: 5 }, { code: 'B', minDays: 7 }]).ok, false, 'gap');
  assert.equal(validateBuckets([{ code: 'A', minDays: 0 }, { code: 'B', minDays: 1 }]).ok, false, 'open middle');
  assert.equal(validateBuckets([{ code: 'A', minDays: 1 }]).ok, false, 'must start at 0');
  assert.throws(() => delinquencyBucket(-1));
});

test('late charge rules parse from JSON, round-trip, and reject bad fields', () => {
  const json = { code: 'grace-daily-penalty', graceDays: 3, penaltyDailyRate: '0.05', penaltyBase: 'overdue-amount', penaltyStart: 'from-due-date', lateFee: 3000, capPerInstallment: 20000, rounding: 'half-up' };
  const parsed = parseLateChargeRule(json);
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.value.penaltyDailyRate, { num: 1, den: 2000, percent: '0.05' });
  assert.deepEqual(lateChargeRuleToJson(parsed.value), json);
  const field = (patch: object) => { const r = parseLateChargeRule({ ...json, ...patch }); return r.ok ? 'ok' : `${r.error.code}:${r.error.field}`; };
  assert.equal(field({ code: 'tiered' }), 'validation_failed:lateChargeRule.code');
  assert.equal(field({ graceDays: -1 }), 'validation_failed:lateChargeRule.graceDays');
  assert.equal(field({ graceDays: 1.5 }), 'validation_failed:lateChargeRule.graceDays');
  assert.equal(field({ penaltyDailyRate: '-0.05' }), 'rate_invalid:lateChargeRule.penaltyDailyRate');
  assert.equal(field({ penaltyBase: 'balance' }), 'validation_failed:lateChargeRule.penaltyBase');
  assert.equal(field({ penaltyStart: undefined }), 'validation_failed:lateChargeRule.penaltyStart');
  assert.equal(field({ lateFee: 12.5 }), 'validation_failed:lateChargeRule.lateFee');
  assert.equal(field({ rounding: 'bankers' }), 'validation_failed:lateChargeRule.rounding');
  assert.equal(parseLateChargeRule(null).ok, false);
});
