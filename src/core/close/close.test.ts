import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addDays } from '../calendar/business-date.ts';
import { parseLateChargeRule } from '../charges/late-charge-rule.ts';
import { lateChargeAccrualOn, lateChargesAsOf } from '../charges/late-charges.ts';
import type { PaymentRecord } from '../charges/payment-history.ts';
import { zeroComponents, type InstallmentState } from '../servicing/installment-state.ts';
import { BUCKET_COUNT, DEFAULT_CLOSE_SETTINGS, datesToClose, partitionBuckets } from './close-settings.ts';
import { outboxKindsFor } from './outbox-rules.ts';
import { closePlanDay } from './plan-day.ts';
import { writeOffEntry } from './close-entries.ts';
import { netByAccount } from '../ledger/journal.ts';

const rule = (() => { const r = parseLateChargeRule({ code: 'grace-daily-penalty', graceDays: 3, penaltyDailyRate: '0.05', penaltyBase: 'overdue-principal', penaltyStart: 'from-due-date', rounding: 'half-up' }); assert.ok(r.ok); return r.value; })();
const inst = (number: number, dueDate: string, over: Partial<InstallmentState> = {}): InstallmentState =>
  ({ number, dueDate, principal: 47309, interest: 6000, fee: 0, penalty: 0, paid: zeroComponents(), waived: zeroComponents(), ...over });
const day = (installments: InstallmentState[], date: string, history = new Map<number, PaymentRecord[]>(), extra = {}) =>
  closePlanDay({ rule, installments, history, date, settings: DEFAULT_CLOSE_SETTINGS, incomeDone: false, chargesDone: false, mayWriteOff: true, ...extra });

test('partitions cover the 1024 buckets exactly once, for any count', () => {
  for (const n of [1, 2, 3, 7, 16, 1000, 1024]) {
    let next = 0;
    for (let p = 0; p < n; p++) { const b = partitionBuckets(p, n); assert.equal(b.from, next); assert.ok(b.to >= b.from); next = b.to + 1; }
    assert.equal(next, BUCKET_COUNT);
  }
});

test('dates close in order from the open date; a past target is nothing to do', () => {
  assert.deepEqual(datesToClose('2028-02-27', '2028-03-01'), ['2028-02-27', '2028-02-28', '2028-02-29', '2028-03-01']);
  assert.deepEqual(datesToClose('2026-03-02', '2026-03-01'), []);
});

test('outbox kinds by days after due (sendOn − due date)', () => {
  assert.deepEqual(outboxKindsFor(-3), ['due_in_3_days']);
  assert.deepEqual(outboxKindsFor(0), ['due_today', 'auto_debit']);
  assert.deepEqual(outboxKindsFor(1), ['auto_debit', 'overdue_1']);
  assert.deepEqual(outboxKindsFor(2), []);
  assert.deepEqual(outboxKindsFor(30), ['overdue_30']);
});

test('a plan-day: income on the due date only, charges after grace, DPD and bucket', () => {
  const plan = [inst(1, '2026-02-10'), inst(2, '2026-03-10')];
  assert.deepEqual(day(plan, '2026-02-10').income, { interest: 6000, fee: 0 });
  assert.equal(day(plan, '2026-02-11').income, null);
  assert.deepEqual(day(plan, '2026-02-13').charges, []);
  assert.deepEqual(day(plan, '2026-02-14').charges, [{ installmentNumber: 1, amount: 96, penalty: 96, lateFee: 0 }]);
  const o = day(plan, '2026-03-13');
  assert.deepEqual([o.daysPastDue, o.bucket], [31, 'M2']);
  assert.equal(day(plan, '2026-02-14', undefined, { chargesDone: true }).charges, null);
});

test('posted charges add up to lateChargesAsOf day by day, and equal lateChargeAccrualOn on ordinary days', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 500_000 }), fc.array(fc.record({ offset: fc.integer({ min: 0, max: 40 }), share: fc.integer({ min: 0, max: 60 }) }), { maxLength: 3 }),
    (principal, pays) => {
      let left = principal;
      const history: PaymentRecord[] = pays.map((p) => { const a = Math.floor((left * p.share) / 100); left -= a; return { date: addDays('2026-01-31', p.offset), principal: a }; });
      const base = inst(1, '2026-01-31', { principal, interest: 0 });
      let charged = 0;
      for (let d = '2026-01-31'; d <= '2026-03-20'; d = addDays(d, 1)) {
        const o = day([{ ...base, penalty: charged }], d, new Map([[1, history]]), { mayWriteOff: false });
        const amount = o.charges?.[0]?.amount ?? 0;
        assert.equal(amount, lateChargeAccrualOn(rule, base, history, d).total, d);
        charged += amount;
        assert.equal(charged, lateChargesAsOf(rule, base, history, d).total);
      }
    }), { numRuns: 200 });
});

test('a missed day is caught up, never charged twice', () => {
  const plan = [inst(1, '2026-02-10')];
  assert.equal(day([{ ...plan[0]!, penalty: 96 }], '2026-02-16').charges?.[0]?.amount, 48, 'the 15th was missed: two days');
  assert.deepEqual(day([{ ...plan[0]!, penalty: 144 }], '2026-02-16').charges, [], 'already charged through the 16th');
});

test('write-off at the configured age takes everything outstanding; the entry balances', () => {
  const plan = [inst(1, '2025-08-10', { penalty: 500 }), inst(2, '2025-09-10'), inst(3, '2026-03-10')];
  const o = day(plan, '2026-02-06', new Map(), { chargesDone: true });
  assert.equal(o.daysPastDue, 180);
  const lines = o.writeOff!;
  assert.equal(lines.filter((l) => l.component === 'principal').reduce((s, l) => s + l.amount, 0), 3 * 47309);
  assert.deepEqual(lines.filter((l) => l.component === 'interest').map((l) => l.earned), [true, true, false]);
  assert.deepEqual(o.outbox, []);
  const net = netByAccount(writeOffEntry('p', '2026-02-06', lines).postings);
  assert.equal(net.get('expense.writeoff'), 3 * 47309 + 2 * 6000 + 500);
  assert.equal(net.get('unearned.interest'), 6000);
  assert.equal(day(plan, '2026-02-05', new Map(), { chargesDone: true }).writeOff, null, '179 days');
  assert.equal(day(plan, '2026-02-06', new Map(), { chargesDone: true, mayWriteOff: false }).writeOff, null, 'never inline');
});

test('an outage-protected installment is late only from its extended due date; income and reminders keep the contractual date', () => {
  const plan = [inst(1, '2026-02-10'), inst(2, '2026-03-10')];
  const extendedDueDates = new Map([[1, '2026-02-21']]);
  const on = (date: string) => day(plan, date, undefined, { extendedDueDates });
  assert.deepEqual(on('2026-02-10').income, { interest: 6000, fee: 0 }, 'earned on the contractual date');
  assert.deepEqual(on('2026-02-09').outbox, [{ installmentNumber: 1, kind: 'due_today' }, { installmentNumber: 1, kind: 'auto_debit' }]);
  assert.deepEqual(on('2026-02-10').outbox, [{ installmentNumber: 1, kind: 'auto_debit' }], 'no overdue_1 the day after the contractual date');
  for (const d of ['2026-02-14', '2026-02-16', '2026-02-21']) {
    const o = on(d);
    assert.deepEqual([o.charges, o.daysPastDue, o.bucket], [[], 0, 'M0'], d);
  }
  assert.deepEqual(on('2026-02-24').charges, [], 'grace runs from the extended date');
  assert.ok(on('2026-02-21').outbox.some((i) => i.kind === 'overdue_1'), 'overdue_1 counted from the extended date');
  assert.deepEqual(on('2026-02-25').charges, day([inst(1, '2026-02-21'), plan[1]!], '2026-02-25').charges);
  assert.deepEqual(on('2026-02-25').charges, [{ installmentNumber: 1, amount: 96, penalty: 96, lateFee: 0 }]);
  assert.equal(on('2026-02-25').daysPastDue, 4);
  assert.equal(day(plan, '2026-02-16', undefined, { extendedDueDates: new Map([[1, '2026-02-01']]) }).charges?.[0]?.amount, day(plan, '2026-02-16').charges?.[0]?.amount, 'never earlier than the contract');
});
