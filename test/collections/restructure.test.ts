import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { restructure, type RestructureInput } from '../../src/core/hardship/restructure.ts';
import { restructurePostings } from '../../src/core/hardship/restructure-postings.ts';
import { netByAccount, type Posting } from '../../src/core/ledger/journal.ts';
import { parsePercent } from '../../src/core/money/rate.ts';
import { outstandingOf, zeroComponents, type InstallmentState } from '../../src/core/servicing/installment-state.ts';
import { assignAgents, byLoad, roundRobin } from '../../src/core/collections/assignment.ts';
import { checkContact } from '../../src/core/collections/contact-rules.ts';
import { promiseOutcome } from '../../src/core/collections/promises.ts';

const feeRate = (() => { const r = parsePercent('0.6'); assert.ok(r.ok); return r.value; })();
const inst = (number: number, dueDate: string, over: Partial<InstallmentState> = {}): InstallmentState =>
  ({ number, dueDate, principal: 10000, interest: 0, fee: 600, penalty: 0, paid: zeroComponents(), waived: zeroComponents(), ...over });

const states = [
  inst(1, '2026-02-10', { penalty: 500 }),
  inst(2, '2026-03-10', { penalty: 300, paid: { principal: 2000, interest: 0, fee: 600, penalty: 0 } }),
  inst(3, '2026-04-10', { principal: 10001 }),
];
const input: RestructureInput = {
  states, asOf: '2026-03-20', terms: 6, firstDue: '2026-04-10', penaltyKept: 200,
  pricing: { method: 'fee-per-period', rounding: 'half-up', monthlyFeeRate: feeRate, originalTerms: 3 },
};

/** Receivable change per account when the transfers and waivers close the old rows and the new rows are added. */
function receivableDelta(r: ReturnType<typeof restructure> & { ok: true }): Map<string, number> {
  const d = new Map<string, number>();
  const add = (k: string, v: number) => d.set(k, (d.get(k) ?? 0) + v);
  for (const t of [...r.value.transfers, ...r.value.penaltyWaivers]) add(`receivable.${t.component}`, -t.amount);
  for (const s of r.value.schedule) { add('receivable.principal', s.principal); add('receivable.interest', s.interest); add('receivable.fee', s.fee); }
  return d;
}

test('a hardship restructure, to the fen: principal re-priced, arrears and kept penalty capitalised, the rest of the penalty waived', () => {
  const r = restructure(input);
  assert.ok(r.ok);
  assert.deepEqual(r.value.figures, {
    principal: 28001, arrearsInterest: 0, arrearsFee: 600, unearnedInterestDropped: 0, unearnedFeeDropped: 600,
    penaltyOutstanding: 800, penaltyWaived: 600, capitalised: 800, newInterest: 0, newFee: 1008, owedBefore: 30001, owedAfter: 29809,
  });
  // 28001 / 6 half-up = 4667 (last 4666); fee 0.6% of 28001 = 168.006 → 168; capitalised 800 / 6 = 133 (last 135).
  assert.deepEqual(r.value.schedule.map((s) => [s.number, s.dueDate, s.principal, s.fee, s.total]), [
    [4, '2026-04-10', 4800, 168, 4968], [5, '2026-05-10', 4800, 168, 4968], [6, '2026-06-10', 4800, 168, 4968],
    [7, '2026-07-10', 4800, 168, 4968], [8, '2026-08-10', 4800, 168, 4968], [9, '2026-09-10', 4801, 168, 4969],
  ]);
  assert.deepEqual(r.value.penaltyWaivers, [{ installmentNumber: 1, component: 'penalty', amount: 500 }, { installmentNumber: 2, component: 'penalty', amount: 100 }]);
  // Every old row is left owing nothing.
  for (const s of states) {
    for (const c of ['principal', 'interest', 'fee', 'penalty'] as const) {
      const moved: number = [...r.value.transfers, ...r.value.penaltyWaivers].filter((t) => t.installmentNumber === s.number && t.component === c).reduce((a, t) => a + t.amount, 0);
      assert.equal(moved, outstandingOf(s, c), `#${s.number} ${c}`);
    }
  }
  const postings: Posting[] = [
    ...r.value.penaltyWaivers.map((w): Posting => ({ debit: 'expense.waiver', credit: 'receivable.penalty', amount: w.amount })),
    ...restructurePostings('p', r.value.figures).filter((p) => p.amount > 0),
  ];
  const net = netByAccount(postings);
  for (const [account, change] of receivableDelta(r)) assert.equal(net.get(account as never) ?? 0, change, account);
  assert.equal(net.get('unearned.fee'), -408, '1008 new fee in, 600 old unearned fee out');
  assert.equal(net.get('expense.waiver'), 600);
});

test('refusals: term out of range, first due not after today, nothing owed', () => {
  assert.equal(restructure({ ...input, terms: 61 }).ok, false);
  assert.equal(restructure({ ...input, terms: 0 }).ok, false);
  const past = restructure({ ...input, firstDue: '2026-03-20' });
  assert.ok(!past.ok && past.error.code === 'date_invalid');
  const paid = states.map((s) => ({ ...s, waived: { principal: outstandingOf(s, 'principal'), interest: 0, fee: outstandingOf(s, 'fee'), penalty: outstandingOf(s, 'penalty') } }));
  const none = restructure({ ...input, states: paid });
  assert.ok(!none.ok && none.error.code === 'nothing_owed');
});

test('property: any plan restructures with sums to the fen and a ledger move that matches the schedule change', () => {
  const methods = [
    { method: 'interest-free', rounding: 'half-up' as const },
    { method: 'fee-per-period', rounding: 'half-up' as const, monthlyFeeRate: feeRate },
    { method: 'equal-installment', rounding: 'half-even' as const, annualRate: (() => { const r = parsePercent('12'); assert.ok(r.ok); return r.value; })() },
  ];
  fc.assert(fc.property(
    fc.array(fc.record({ principal: fc.integer({ min: 1, max: 500_000 }), interest: fc.integer({ min: 0, max: 9000 }), paidShare: fc.integer({ min: 0, max: 100 }), penalty: fc.integer({ min: 0, max: 5000 }) }), { minLength: 1, maxLength: 12 }),
    fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 10_000 }),
    (rows, m, terms, asOfMonth, kept) => {
      const st = rows.map((x, k) => {
        const paid = Math.floor((x.principal * x.paidShare) / 100);
        return inst(k + 1, `2026-${String((k % 12) + 1).padStart(2, '0')}-10`, { principal: x.principal, interest: x.interest, fee: 0, penalty: x.penalty, paid: { principal: paid, interest: 0, fee: 0, penalty: 0 } });
      });
      const asOf = `2026-${String(Math.min(asOfMonth, 11) + 1).padStart(2, '0')}-15`;
      const r = restructure({ states: st, asOf, terms, firstDue: '2027-01-10', penaltyKept: kept, pricing: { ...methods[m]!, originalTerms: st.length } });
      if (!r.ok) { assert.equal(r.error.code, 'nothing_owed'); return; }
      assert.equal(r.value.schedule.length, terms);
      assert.ok(r.value.schedule.every((s) => s.principal >= 0 && s.interest >= 0 && s.fee >= 0 && s.total === s.principal + s.interest + s.fee));
      const f = r.value.figures;
      assert.equal(f.penaltyWaived + Math.min(kept, f.penaltyOutstanding), f.penaltyOutstanding);
      const postings: Posting[] = [
        ...r.value.penaltyWaivers.map((w): Posting => ({ debit: 'expense.waiver', credit: 'receivable.penalty', amount: w.amount })),
        ...restructurePostings('p', f).filter((p) => p.amount > 0),
      ];
      const net = netByAccount(postings);
      for (const [account, change] of receivableDelta(r)) assert.equal(net.get(account as never) ?? 0, change, account);
    }), { numRuns: 300 });
});

test('assignment: round robin continues after the last agent; by load fills the least loaded, ties to the lower id', () => {
  assert.deepEqual(roundRobin(['b', 'a', 'c'], null, 4), ['a', 'b', 'c', 'a']);
  assert.deepEqual(roundRobin(['a', 'b', 'c'], 'b', 2), ['c', 'a']);
  assert.deepEqual(roundRobin(['a', 'c'], 'b', 2), ['c', 'a'], 'the last agent left the roster: start after their id');
  assert.deepEqual(byLoad([{ agentId: 'a', openCases: 2 }, { agentId: 'b', openCases: 0 }, { agentId: 'c', openCases: 1 }], 4), ['b', 'b', 'c', 'a']);
  assert.deepEqual(assignAgents('by_load', [{ agentId: 'x', openCases: 5 }, { agentId: 'y', openCases: 5 }], 'x', 1), ['x']);
  assert.deepEqual(assignAgents('round_robin', [{ agentId: 'x', openCases: 5 }, { agentId: 'y', openCases: 5 }], 'x', 1), ['y']);
});

test('contact rules: quiet hours 21:00–08:00 Shanghai at the minute boundaries, and the daily cap', () => {
  const at = (utc: string) => checkContact({ at: new Date(utc), attemptsToday: 0, contactsPerDay: 3 });
  assert.equal(at('2026-02-12T12:59:59Z').ok, true, '20:59:59');
  assert.equal((at('2026-02-12T13:00:00Z') as { error: { code: string } }).error.code, 'contact_quiet_hours', '21:00');
  assert.equal(at('2026-02-12T23:59:00Z').ok, false, '07:59');
  assert.equal(at('2026-02-13T00:00:00Z').ok, true, '08:00');
  const capped = checkContact({ at: new Date('2026-02-13T02:00:00Z'), attemptsToday: 3, contactsPerDay: 3 });
  assert.ok(!capped.ok && capped.error.code === 'contact_limit_reached');
});

test('promises: kept once the amount is paid, broken only after the promised day', () => {
  assert.equal(promiseOutcome({ promisedOn: '2026-02-14', amount: 100 }, 100, '2026-02-13'), 'kept');
  assert.equal(promiseOutcome({ promisedOn: '2026-02-14', amount: 100 }, 99, '2026-02-13'), 'open');
  assert.equal(promiseOutcome({ promisedOn: '2026-02-14', amount: 100 }, 99, '2026-02-14'), 'broken');
});
