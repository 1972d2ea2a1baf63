import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addDays } from '../calendar/business-date.ts';
import { COMPONENTS, type Component } from '../ledger/accounts.ts';
import { sumFen } from '../money/fen.ts';
import { outstandingOf, outstandingTotal, zeroComponents, type InstallmentState } from '../servicing/installment-state.ts';
import { allocate, applyAllocations } from './allocate.ts';
import { ALLOCATION_STRATEGY_CODES, DEFAULT_ALLOCATION_STRATEGY } from './registry.ts';

type Parts = Partial<Record<Component, number>>;
function inst(number: number, dueDate: string, due: Parts, paid: Parts = {}): InstallmentState {
  return {
    number, dueDate, principal: due.principal ?? 0, interest: due.interest ?? 0, fee: due.fee ?? 0, penalty: due.penalty ?? 0,
    paid: { ...zeroComponents(), ...paid }, waived: zeroComponents(),
  };
}

// Outstanding: #1 P 6000 I 500 pen 120 (6620); #2 P 10000 I 400 pen 60 (10460); #3 P 10000 I 300 (10300, not due). 27380 in all.
const plan = [
  inst(1, '2026-01-31', { principal: 10000, interest: 500, penalty: 120 }, { principal: 4000 }),
  inst(2, '2026-02-28', { principal: 10000, interest: 400, penalty: 60 }),
  inst(3, '2026-03-31', { principal: 10000, interest: 300 }),
];
const asOf = '2026-03-20';
const run = (code: string, amount: number, numbers?: number[]) => {
  const r = allocate(code, plan, amount, asOf, numbers ? { installmentNumbers: numbers } : {});
  assert.ok(r.ok);
  return { unapplied: r.value.unapplied, rows: r.value.allocations.map((a) => `${a.installmentNumber}.${a.component}=${a.amount}`) };
};

test('default waterfall: oldest installment first, penalty → fee → interest → principal', () => {
  assert.equal(DEFAULT_ALLOCATION_STRATEGY, 'penalty-fee-interest-principal');
  // 5000: #1 penalty 120 + interest 500, principal takes the remaining 4380.
  assert.deepEqual(run('penalty-fee-interest-principal', 5000), { unapplied: 0, rows: ['1.penalty=120', '1.interest=500', '1.principal=4380'] });
  // 17000: #1 takes 6620 in full; #2 penalty 60 + interest 400, principal 17000 − 6620 − 460 = 9920.
  assert.deepEqual(run('penalty-fee-interest-principal', 17000).rows, ['1.penalty=120', '1.interest=500', '1.principal=6000', '2.penalty=60', '2.interest=400', '2.principal=9920']);
});

test('principal-first: oldest installment first, principal → interest → fee → penalty', () => {
  assert.deepEqual(run('principal-first', 5000), { unapplied: 0, rows: ['1.principal=5000'] });
  // 17000: #1 6000 + 500 + 120 = 6620; #2 principal 10000, interest 17000 − 16620 = 380; its penalty stays unpaid.
  assert.deepEqual(run('principal-first', 17000).rows, ['1.principal=6000', '1.interest=500', '1.penalty=120', '2.principal=10000', '2.interest=380']);
});

test('horizontal: all due penalties, then all due interest, then due principal; future ones last', () => {
  // 5000: penalties 120 + 60, interest 500 + 400, principal #1 5000 − 1080 = 3920.
  assert.deepEqual(run('horizontal', 5000).rows, ['1.penalty=120', '2.penalty=60', '1.interest=500', '2.interest=400', '1.principal=3920']);
  // 20000: everything due is 17080; the 2920 left goes to #3 vertically: interest 300, principal 2620.
  assert.deepEqual(run('horizontal', 20000).rows.slice(-2), ['3.interest=300', '3.principal=2620']);
});

test('overpayment becomes unapplied credit, never lost', () => {
  const r = run('penalty-fee-interest-principal', 30000);
  assert.equal(r.unapplied, 30000 - 27380);
  assert.deepEqual(r.rows.slice(-2), ['3.interest=300', '3.principal=10000']);
});

test('repaying one installment touches only it', () => {
  assert.deepEqual(run('penalty-fee-interest-principal', 12000, [2]), { unapplied: 1540, rows: ['2.penalty=60', '2.interest=400', '2.principal=10000'] });
});

test('bad input is an error value', () => {
  const code = (r: ReturnType<typeof allocate>) => (r.ok ? 'ok' : r.error.code);
  assert.equal(code(allocate('lifo', plan, 100, asOf)), 'allocation_strategy_unknown');
  assert.equal(code(allocate('horizontal', plan, -1, asOf)), 'amount_invalid');
  assert.equal(code(allocate('horizontal', plan, 1.5, asOf)), 'amount_invalid');
  assert.equal(code(allocate('horizontal', plan, 100, asOf, { installmentNumbers: [9] })), 'validation_failed');
  assert.deepEqual(allocate('horizontal', plan, 0, asOf), { ok: true, value: { allocations: [], unapplied: 0 } });
});

test('applyAllocations returns new states and refuses to over-settle', () => {
  const r = allocate('penalty-fee-interest-principal', plan, 17000, asOf);
  assert.ok(r.ok);
  const after = applyAllocations(plan, r.value.allocations);
  assert.equal(outstandingTotal(after[0]!), 0);
  assert.equal(outstandingOf(after[1]!, 'principal'), 80);
  assert.equal(plan[0]!.paid.principal, 4000, 'input untouched');
  const waived = applyAllocations(plan, [{ installmentNumber: 3, component: 'interest', amount: 300 }], 'waived');
  assert.equal(waived[2]!.waived.interest, 300);
  assert.throws(() => applyAllocations(plan, [{ installmentNumber: 3, component: 'interest', amount: 301 }]));
  assert.throws(() => applyAllocations(plan, [{ installmentNumber: 7, component: 'interest', amount: 1 }]));
});

/** Random installments with partly settled components; waived parts included. */
const component = fc.integer({ min: 0, max: 50000 }).chain((due) =>
  fc.tuple(fc.constant(due), fc.integer({ min: 0, max: due })).chain(([d, paid]) => fc.tuple(fc.constant(d), fc.constant(paid), fc.integer({ min: 0, max: d - paid }))));
const states = fc.array(fc.record({ gap: fc.integer({ min: 1, max: 40 }), p: component, i: component, f: component, pen: component }), { minLength: 1, maxLength: 12 })
  .map((rows) => {
    let date = '2026-01-15';
    return rows.map((row, k): InstallmentState => {
      date = addDays(date, row.gap);
      const [parts, paid, waived] = [zeroComponents(), zeroComponents(), zeroComponents()];
      for (const [c, [d, p, w]] of [['principal', row.p], ['interest', row.i], ['fee', row.f], ['penalty', row.pen]] as const) {
        parts[c] = d; paid[c] = p; waived[c] = w;
      }
      return { number: k + 1, dueDate: date, ...parts, paid, waived };
    });
  });

test('every strategy conserves every fen and never over-allocates', () => {
  fc.assert(fc.property(states, fc.constantFrom(...ALLOCATION_STRATEGY_CODES), fc.integer({ min: 0, max: 400000 }), fc.integer({ min: 0, max: 400 }), (insts, code, amount, offset) => {
    const day = addDays('2026-01-15', offset);
    const r = allocate(code, insts, amount, day);
    assert.ok(r.ok);
    const { allocations, unapplied } = r.value;
    assert.equal(sumFen(allocations.map((a) => a.amount)) + unapplied, amount);
    assert.ok(unapplied >= 0 && allocations.every((a) => a.amount > 0));
    const after = applyAllocations(insts, allocations); // throws if any component is over-allocated
    const before = sumFen(insts.map(outstandingTotal));
    assert.equal(sumFen(after.map(outstandingTotal)), before - (amount - unapplied));
    if (unapplied > 0) assert.ok(after.every((i) => outstandingTotal(i) === 0), 'credit only once everything is settled');
    // Greedy fill: every slot but the last one touched is filled completely.
    for (const a of allocations.slice(0, -1)) {
      const state = after.find((i) => i.number === a.installmentNumber)!;
      assert.equal(outstandingOf(state, a.component), 0);
    }
    for (const i of after) for (const c of COMPONENTS) assert.ok(outstandingOf(i, c) >= 0);
  }), { numRuns: 300 });
});

test('vertical strategies never touch a later installment while an earlier one owes', () => {
  fc.assert(fc.property(states, fc.constantFrom('penalty-fee-interest-principal', 'principal-first'), fc.integer({ min: 0, max: 400000 }), (insts, code, amount) => {
    const r = allocate(code, insts, amount, '2026-06-01');
    assert.ok(r.ok);
    const after = applyAllocations(insts, r.value.allocations);
    const touched = new Set(r.value.allocations.map((a) => a.installmentNumber));
    const last = Math.max(0, ...touched);
    for (const i of after) if (i.number < last) assert.equal(outstandingTotal(i), 0, `#${i.number} before #${last}`);
  }));
});
