import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addMonthsClamped, monthlyDueDates } from '../calendar/business-date.ts';
import { COMPONENTS, type Component } from '../ledger/accounts.ts';
import { sumFen } from '../money/fen.ts';
import { outstandingTotal, zeroComponents, type InstallmentState } from '../servicing/installment-state.ts';
import { buildBills, type BillablePlan } from './bill.ts';
import { currentBill } from './current-bill.ts';

const cycle = { statementDay: 1, dueDay: 10 };
type Parts = Partial<Record<Component, number>>;

function schedule(firstDue: string, terms: number, each: Parts): InstallmentState[] {
  return monthlyDueDates(firstDue, terms).map((dueDate, k) => ({
    number: k + 1, dueDate, principal: each.principal ?? 0, interest: each.interest ?? 0, fee: each.fee ?? 0, penalty: each.penalty ?? 0,
    paid: zeroComponents(), waived: zeroComponents(),
  }));
}
const plan = (planId: string, installments: InstallmentState[], graceDays = 3): BillablePlan =>
  ({ planId, description: planId, terms: installments.length, graceDays, installments });

// fee-12 on 6000.00 (500.00 principal + 36.00 fee a month) and free-3 on 3000.00, both bought 2026-01-05.
const fee12 = plan('fee-12', schedule('2026-02-10', 12, { principal: 50000, fee: 3600 }));
const free3 = plan('free-3', schedule('2026-02-10', 3, { principal: 100000 }));

test('one bill per due date gathers both plans; figures are the items summed', () => {
  const bills = buildBills([fee12, free3], cycle, '2026-01-05');
  assert.equal(bills.length, 12);
  const [feb] = bills;
  assert.deepEqual(
    { statementDate: feb!.statementDate, dueDate: feb!.dueDate, total: feb!.total, outstanding: feb!.outstanding, status: feb!.status, daysUntilDue: feb!.daysUntilDue, daysPastDue: feb!.daysPastDue },
    { statementDate: '2026-02-01', dueDate: '2026-02-10', total: 153600, outstanding: 153600, status: 'upcoming', daysUntilDue: 36, daysPastDue: 0 },
  );
  assert.deepEqual(feb!.items.map((i) => `${i.planId}#${i.installment.number}`), ['fee-12#1', 'free-3#1']);
  assert.equal(bills[3]!.dueDate, '2026-05-10');
  assert.equal(bills[3]!.total, 53600, 'after three months only the fee plan remains');
  assert.equal(bills[11]!.dueDate, '2027-01-10');
  assert.equal(bills[11]!.statementDate, '2027-01-01');
});

test('a bill moves upcoming → open → due → in_grace → overdue with the business date', () => {
  const at = (d: string) => buildBills([fee12, free3], cycle, d)[0]!;
  const seen = ['2026-01-31', '2026-02-01', '2026-02-09', '2026-02-10', '2026-02-11', '2026-02-13', '2026-02-14'].map((d) => [at(d).status, at(d).daysUntilDue, at(d).daysPastDue]);
  assert.deepEqual(seen, [
    ['upcoming', 10, 0], ['open', 9, 0], ['open', 1, 0], ['due', 0, 0], ['in_grace', null, 1], ['in_grace', null, 3], ['overdue', null, 4],
  ]);
});

test('paid and waived items settle a bill; penalties count in the totals and late charges net of waivers', () => {
  const paidFirst = (states: InstallmentState[]) => states.map((s, k) => k === 0 ? { ...s, paid: { ...zeroComponents(), principal: s.principal, fee: s.fee } } : s);
  const withPenalty = (states: InstallmentState[]) => states.map((s, k) => k === 0 ? { ...s, penalty: 250, waived: { ...zeroComponents(), penalty: 50 } } : s);
  const bills = buildBills([plan('a', paidFirst(fee12.installments as InstallmentState[])), plan('b', withPenalty(free3.installments as InstallmentState[]))], cycle, '2026-02-20');
  const feb = bills[0]!;
  assert.deepEqual([feb.total, feb.paid, feb.waived, feb.outstanding, feb.lateChargesSoFar, feb.status], [153850, 53600, 50, 100200, 200, 'overdue']);
  const settled = buildBills([plan('a', paidFirst(fee12.installments as InstallmentState[]))], cycle, '2026-02-20')[0]!;
  assert.equal(settled.status, 'paid');
  assert.equal(settled.daysPastDue, 0);
});

test('a bill is overdue when any item is past its own plan grace', () => {
  const long = plan('long', schedule('2026-02-10', 1, { principal: 100 }), 10);
  const short = plan('short', schedule('2026-02-10', 1, { principal: 100 }), 0);
  assert.equal(buildBills([long], cycle, '2026-02-15')[0]!.status, 'in_grace');
  assert.equal(buildBills([long, short], cycle, '2026-02-11')[0]!.status, 'overdue');
});

test('current bill: the earliest not-yet-overdue bill with something owed; overdue ones carried as pastDue', () => {
  let view = currentBill(buildBills([fee12, free3], cycle, '2026-02-12'), '2026-02-12');
  assert.deepEqual([view.bill?.dueDate, view.bill?.status, view.pastDue.bills.length, view.totalToPay], ['2026-02-10', 'in_grace', 0, 153600]);
  view = currentBill(buildBills([fee12, free3], cycle, '2026-03-02'), '2026-03-02');
  assert.deepEqual([view.bill?.dueDate, view.bill?.status], ['2026-03-10', 'open']);
  assert.deepEqual([view.pastDue.outstanding, view.pastDue.daysPastDue, view.pastDue.bills.map((b) => b.dueDate)], [153600, 20, ['2026-02-10']]);
  assert.equal(view.totalToPay, 307200);
  const allPaid = (p: BillablePlan) => plan(p.planId, p.installments.map((s) => ({ ...s, paid: { ...zeroComponents(), principal: s.principal, fee: s.fee } })));
  view = currentBill(buildBills([allPaid(fee12)], cycle, '2026-03-02'), '2026-03-02');
  assert.deepEqual([view.bill?.dueDate, view.bill?.status, view.totalToPay], ['2026-03-10', 'paid', 0], 'nothing owed: the next bill, paid early');
  view = currentBill(buildBills([allPaid(fee12)], cycle, '2027-02-01'), '2027-02-01');
  assert.equal(view.bill, null);
});

const arbInstallment = fc.record({
  principal: fc.integer({ min: 0, max: 1_000_000 }), interest: fc.integer({ min: 0, max: 50_000 }),
  fee: fc.integer({ min: 0, max: 50_000 }), penalty: fc.integer({ min: 0, max: 20_000 }),
  paidShare: fc.integer({ min: 0, max: 100 }), waivedShare: fc.integer({ min: 0, max: 100 }),
});
const arbPlans = fc.array(fc.record({
  firstMonth: fc.integer({ min: 0, max: 18 }), graceDays: fc.integer({ min: 0, max: 10 }),
  installments: fc.array(arbInstallment, { minLength: 1, maxLength: 12 }),
}), { minLength: 0, maxLength: 5 }).map((plans) => plans.map((p, k): BillablePlan => {
  const dues = monthlyDueDates(addMonthsClamped('2026-01-10', p.firstMonth, 10), p.installments.length);
  return plan(`p${k}`, p.installments.map((a, n) => {
    const paid = zeroComponents(), waived = zeroComponents();
    for (const c of COMPONENTS) {
      paid[c] = Math.floor((a[c] * a.paidShare) / 100);
      waived[c] = Math.floor(((a[c] - paid[c]) * a.waivedShare) / 100);
    }
    return { number: n + 1, dueDate: dues[n]!, principal: a.principal, interest: a.interest, fee: a.fee, penalty: a.penalty, paid, waived };
  }), p.graceDays);
}));
const arbAsOf = fc.integer({ min: 0, max: 800 }).map((d) => addMonthsClamped('2026-01-01', Math.floor(d / 28), (d % 28) + 1));

test('property: every installment is in exactly one bill, and bill figures are their items summed', () => {
  fc.assert(fc.property(arbPlans, arbAsOf, (plans, asOf) => {
    const bills = buildBills(plans, cycle, asOf);
    const seen = bills.flatMap((b) => b.items.map((i) => `${i.planId}#${i.installment.number}`));
    const all = plans.flatMap((p) => p.installments.map((i) => `${p.planId}#${i.number}`));
    assert.deepEqual([...seen].sort(), [...all].sort());
    assert.equal(new Set(seen).size, seen.length);
    for (const b of bills) {
      assert.ok(b.items.every((i) => i.installment.dueDate === b.dueDate));
      assert.equal(b.total, sumFen(b.items.map((i) => i.total)));
      assert.equal(b.paid, sumFen(b.items.map((i) => i.paid)));
      assert.equal(b.outstanding, sumFen(b.items.map((i) => outstandingTotal(i.installment))));
      assert.equal(b.total, b.paid + b.waived + b.outstanding);
      assert.equal(b.status === 'paid', b.outstanding === 0);
      assert.ok(b.statementDate < b.dueDate);
    }
    assert.deepEqual(bills.map((b) => b.dueDate), [...new Set(bills.map((b) => b.dueDate))].sort());
    const whole = sumFen(plans.flatMap((p) => p.installments.map(outstandingTotal)));
    assert.equal(sumFen(bills.map((b) => b.outstanding)), whole);
    const current = currentBill(bills, asOf);
    assert.ok(!current.bill || !current.pastDue.bills.includes(current.bill));
    assert.ok(current.totalToPay <= whole);
  }), { numRuns: 300 });
});
