import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AccountFacts } from '../../src/core/credit-report/account-facts.ts';
import { positionAsOf } from '../../src/core/credit-report/account-as-of.ts';
import { paymentHistory } from '../../src/core/credit-report/payment-history.ts';
import { correctionsFor } from '../../src/core/credit-report/corrections.ts';
import { renderFile } from '../../src/core/credit-report/file-format.ts';
import { reportLine } from '../../src/core/credit-report/report-line.ts';
import { monthsBack, parseReportMonth, reportMonth } from '../../src/core/credit-report/report-month.ts';

const JAN = reportMonth(2026, 1), FEB = reportMonth(2026, 2), MAR = reportMonth(2026, 3), APR = reportMonth(2026, 4);

/** 300.00 over three months, 1.00 fee each, due on the 10th from February. */
function facts(over: Partial<AccountFacts> = {}): AccountFacts {
  return {
    planId: 'p-1', customerId: 'c-1', customerRef: 'ref1', phoneMasked: '138****0001', openDate: '2026-01-05', loan: 30000, creditLine: 2000000,
    status: 'active', closedOn: null, replaced: [], paid: new Map(), waived: new Map(), extendedDue: new Map(), restructuredOn: null,
    schedule: [
      { number: 1, dueDate: '2026-02-10', principal: 10000, interest: 0, fee: 100 },
      { number: 2, dueDate: '2026-03-10', principal: 10000, interest: 0, fee: 100 },
      { number: 3, dueDate: '2026-04-10', principal: 10000, interest: 0, fee: 100 },
    ],
    ...over,
  };
}

describe('credit report months', () => {
  it('parses YYYY-MM to the month and its last day, leap years included', () => {
    const m = parseReportMonth('2028-02');
    assert.ok(m.ok);
    assert.deepEqual(m.value, { month: '2028-02', start: '2028-02-01', end: '2028-02-29' });
    for (const bad of ['2026-13', '2026-1', '202601', 'x', 2026]) assert.equal(parseReportMonth(bad).ok, false, String(bad));
  });
  it('counts months back across a year', () => {
    assert.equal(monthsBack(reportMonth(2026, 2), 3).month, '2025-11');
    assert.equal(monthsBack(reportMonth(2026, 2), 0).month, '2026-02');
  });
});

describe('an account as of a month end', () => {
  it('on time: paid on the due date, nothing overdue', () => {
    const f = facts({ paid: new Map([[1, [{ date: '2026-02-10', principal: 10000, fee: 100 }]]]) });
    assert.deepEqual(positionAsOf(f, FEB), { status: 'normal', balance: 20000, amountDue: 10100, amountOverdue: 0, daysPastDue: 0 });
  });
  it('overdue: DPD from the due date, amounts without penalty', () => {
    assert.deepEqual(positionAsOf(facts(), FEB), { status: 'overdue', balance: 30000, amountDue: 10100, amountOverdue: 10100, daysPastDue: 18 });
    assert.deepEqual(positionAsOf(facts(), MAR), { status: 'overdue', balance: 30000, amountDue: 10100, amountOverdue: 20200, daysPastDue: 49 });
  });
  it('a payment after the month end does not count for that month', () => {
    const f = facts({ paid: new Map([[1, [{ date: '2026-03-01', principal: 10000, fee: 100 }]]]) });
    assert.equal(positionAsOf(f, FEB)!.daysPastDue, 18);
    assert.equal(positionAsOf(f, MAR)!.amountOverdue, 10100);
  });
  it('protected by an outage: not overdue until the extended due date, then counted from it', () => {
    const f = facts({ extendedDue: new Map([[1, '2026-03-04']]) });
    assert.deepEqual(positionAsOf(f, FEB), { status: 'normal', balance: 30000, amountDue: 10100, amountOverdue: 0, daysPastDue: 0 });
    assert.equal(positionAsOf(f, MAR)!.daysPastDue, 27);
  });
  it('closed in the month: reported with its closing status, then no more', () => {
    const f = facts({ status: 'paid_off', closedOn: '2026-01-20', paid: new Map([1, 2, 3].map((n) => [n, [{ date: '2026-01-20', principal: 10000, fee: 100 }]])) });
    assert.deepEqual(positionAsOf(f, JAN), { status: 'paid_off', balance: 0, amountDue: 0, amountOverdue: 0, daysPastDue: 0 });
    assert.equal(positionAsOf(f, FEB), null);
    assert.equal(positionAsOf(facts({ openDate: '2026-02-01' }), JAN), null);
  });
  it('written off: the balance the customer still owes stays reported', () => {
    const f = facts({ status: 'written_off', closedOn: '2026-08-07' });
    assert.deepEqual(positionAsOf(f, reportMonth(2026, 8)), { status: 'written_off', balance: 30000, amountDue: 0, amountOverdue: 30300, daysPastDue: 202 });
  });
  it('restructured: the old schedule before the agreement, the agreed one after it', () => {
    // Installments 1–2 were overdue; on 03-20 a hardship plan moved them to 4–5, recorded as hardship waivers on 1–2.
    const old = facts().schedule;
    const f = facts({
      restructuredOn: '2026-03-20', replaced: [{ replacedOn: '2026-03-20', installments: old }],
      schedule: [...old, { number: 4, dueDate: '2026-04-20', principal: 10100, interest: 0, fee: 0 }, { number: 5, dueDate: '2026-05-20', principal: 10100, interest: 0, fee: 0 }],
      waived: new Map([1, 2].map((n) => [n, [{ date: '2026-03-20', principal: 10000, fee: 100 }]])),
    });
    assert.deepEqual(positionAsOf(f, FEB), { status: 'overdue', balance: 30000, amountDue: 10100, amountOverdue: 10100, daysPastDue: 18 });
    // Installment 2 fell due in March but was moved to the new installments: nothing of it was due any more.
    assert.deepEqual(positionAsOf(f, MAR), { status: 'restructured', balance: 30200, amountDue: 0, amountOverdue: 0, daysPastDue: 0 });
    assert.deepEqual(positionAsOf(f, APR), { status: 'restructured', balance: 30200, amountDue: 20200, amountOverdue: 20200, daysPastDue: 20 });
  });
});

describe('24-month payment status', () => {
  it('marks months before opening, nothing due, on time, overdue and closed', () => {
    const f = facts({ paid: new Map([[1, [{ date: '2026-02-10', principal: 10000, fee: 100 }]]]) });
    assert.equal(paymentHistory(f, JAN), `${'/'.repeat(23)}*`);
    assert.equal(paymentHistory(f, APR), `${'/'.repeat(20)}*N12`);
    const paid = facts({ status: 'paid_off', closedOn: '2026-02-10', paid: new Map([1, 2, 3].map((n) => [n, [{ date: '2026-02-10', principal: 10000, fee: 100 }]])) });
    assert.equal(paymentHistory(paid, FEB), `${'/'.repeat(22)}*C`);
    assert.equal(paymentHistory(facts({ status: 'written_off', closedOn: '2026-08-07' }), reportMonth(2026, 8)).slice(-8), '*123456B');
  });
});

describe('corrections', () => {
  const jan = reportLine(facts(), FEB)!;
  it('keep only changed or new accounts, naming what changed and the version replaced', () => {
    const fixed = reportLine(facts({ extendedDue: new Map([[1, '2026-03-04']]) }), FEB)!;
    const other = { ...fixed, accountId: 'p-2' };
    const out = correctionsFor([fixed, other], new Map([['p-1', { line: jan, version: 1 }]]));
    assert.deepEqual(out, [
      { ...fixed, supersedes: 1, changedFields: ['amount_overdue', 'days_past_due', 'status', 'payment_history_24m'] },
      { ...other, supersedes: null, changedFields: ['added'] },
    ]);
    assert.deepEqual(correctionsFor([jan], new Map([['p-1', { line: jan, version: 2 }]])), []);
  });
  it('a credit line changed later is not a correction of an old month', () => {
    assert.deepEqual(correctionsFor([{ ...jan, creditLine: 500000 }], new Map([['p-1', { line: jan, version: 1 }]])), []);
  });
});

describe('file format', () => {
  it('writes the documented CSV and JSON', () => {
    const line = { ...reportLine(facts(), FEB)!, supersedes: null, changedFields: [] };
    const meta = { month: FEB, kind: 'full' as const, version: 1, lines: 1 };
    assert.equal(renderFile(meta, [line], 'csv'), [
      '#fenqi-credit-report,format=1,month=2026-02,as_of=2026-02-28,kind=full,version=1,lines=1',
      'record,account_id,customer_ref,phone_masked,open_date,loan_amount,credit_line,balance,amount_due,amount_overdue,days_past_due,status,payment_history_24m,supersedes_version,changed_fields',
      `A,p-1,ref1,138****0001,2026-01-05,300.00,20000.00,300.00,101.00,101.00,18,overdue,${'/'.repeat(22)}*1,,`,
      '',
    ].join('\n'));
    const json = JSON.parse(renderFile({ ...meta, kind: 'corrections', version: 2 }, [{ ...line, supersedes: 1, changedFields: ['status'] }], 'json'));
    assert.deepEqual(json, {
      format: 'fenqi-credit-report', formatVersion: 1, month: '2026-02', asOf: '2026-02-28', kind: 'corrections', version: 2, lines: 1,
      accounts: [{
        record: 'C', accountId: 'p-1', customerRef: 'ref1', phoneMasked: '138****0001', openDate: '2026-01-05', loanAmount: '300.00', creditLine: '20000.00',
        balance: '300.00', amountDue: '101.00', amountOverdue: '101.00', daysPastDue: 18, status: 'overdue', paymentHistory24m: `${'/'.repeat(22)}*1`,
        supersedesVersion: 1, changedFields: ['status'],
      }],
    });
  });
});
