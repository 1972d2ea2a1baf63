import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  addDays, addMonthsClamped, daysBetween, daysInMonth, fromEpochDay, monthlyDueDates, parseBusinessDate, splitDate, toEpochDay,
} from './business-date.ts';

test('due dates clamp to month end and come back to the 31st', () => {
  assert.deepEqual(monthlyDueDates('2026-01-31', 3), ['2026-01-31', '2026-02-28', '2026-03-31']);
  assert.deepEqual(monthlyDueDates('2026-01-31', 5).slice(3), ['2026-04-30', '2026-05-31']);
});

test('leap years: 2028-02-29 exists, and a 29th due day clamps only in common years', () => {
  assert.deepEqual(monthlyDueDates('2028-01-31', 3), ['2028-01-31', '2028-02-29', '2028-03-31']);
  assert.equal(addMonthsClamped('2028-02-29', 12, 29), '2029-02-28');
  assert.equal(addMonthsClamped('2028-02-29', 48, 29), '2032-02-29');
  assert.equal(daysBetween('2028-02-28', '2028-03-01'), 2);
  assert.equal(daysBetween('2026-02-28', '2026-03-01'), 1);
  assert.equal(parseBusinessDate('2028-02-29').ok, true);
  assert.equal(parseBusinessDate('2026-02-29').ok, false);
});

test('a dueDay different from the first due date day is honoured', () => {
  assert.deepEqual(monthlyDueDates('2026-01-15', 3, 31), ['2026-01-15', '2026-02-28', '2026-03-31']);
});

test('addMonthsClamped crosses year ends both ways', () => {
  assert.equal(addMonthsClamped('2026-11-30', 3, 30), '2027-02-28');
  assert.equal(addMonthsClamped('2026-01-31', -2, 31), '2025-11-30');
});

test('parseBusinessDate rejects what is not a real calendar date', () => {
  for (const bad of ['2026-13-01', '2026-00-10', '2026-04-31', '2026-1-1', '20260101', '', ' 2026-01-01', '1899-12-31']) {
    const r = parseBusinessDate(bad);
    assert.equal(r.ok, false, bad);
    if (!r.ok) assert.equal(r.error.code, 'date_invalid');
  }
});

const date = fc.integer({ min: toEpochDay('1970-01-01'), max: toEpochDay('2999-12-31') }).map(fromEpochDay);

test('epoch days and dates round-trip, and addDays inverts daysBetween', () => {
  fc.assert(fc.property(date, fc.integer({ min: -20000, max: 20000 }), (d, n) => {
    assert.equal(fromEpochDay(toEpochDay(d)), d);
    assert.equal(parseBusinessDate(d).ok, true);
    assert.equal(daysBetween(d, addDays(d, n)), n);
  }));
});

test('monthly due dates increase, one a month, on the due day clamped to the month end', () => {
  fc.assert(fc.property(date, fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 31 }), (first, terms, dueDay) => {
    const dates = monthlyDueDates(first, terms, dueDay);
    assert.equal(dates.length, terms);
    assert.equal(dates[0], first);
    const start = splitDate(first);
    dates.slice(1).forEach((d, k) => {
      const { year, month, day } = splitDate(d);
      assert.equal(year * 12 + month, start.year * 12 + start.month + k + 1);
      assert.equal(day, Math.min(dueDay, daysInMonth(year, month)));
    });
    for (let k = 1; k < dates.length; k++) assert.ok(dates[k - 1]! < dates[k]!);
  }));
});
