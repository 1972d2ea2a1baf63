import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_QUIET_HOURS, isQuiet, nextSendableAt, parseQuietHours } from '../../src/core/notices/quiet-hours.ts';
import { shanghai } from './notice-support.ts';

const q = DEFAULT_QUIET_HOURS;

describe('SMS quiet hours, 21:00–08:00 Asia/Shanghai', () => {
  it('the start is quiet, the end is not', () => {
    assert.equal(isQuiet(shanghai('2026-02-07 20:59:59'), q), false);
    assert.equal(isQuiet(shanghai('2026-02-07 21:00:00'), q), true);
    assert.equal(isQuiet(shanghai('2026-02-08 07:59:59'), q), true);
    assert.equal(isQuiet(shanghai('2026-02-08 08:00:00'), q), false);
    assert.equal(isQuiet(shanghai('2026-02-08 12:00'), q), false);
  });

  it('holds an evening SMS to the next morning, a night one to this morning', () => {
    assert.deepEqual(nextSendableAt(shanghai('2026-02-07 21:00'), q), shanghai('2026-02-08 08:00'));
    assert.deepEqual(nextSendableAt(shanghai('2026-02-07 23:59:59'), q), shanghai('2026-02-08 08:00'));
    assert.deepEqual(nextSendableAt(shanghai('2026-02-08 00:00'), q), shanghai('2026-02-08 08:00'));
    assert.deepEqual(nextSendableAt(shanghai('2026-02-08 07:59:59'), q), shanghai('2026-02-08 08:00'));
    assert.deepEqual(nextSendableAt(shanghai('2026-02-08 08:00'), q), shanghai('2026-02-08 08:00'));
    assert.deepEqual(nextSendableAt(shanghai('2026-02-07 20:59:59'), q), shanghai('2026-02-07 20:59:59'));
  });

  it('follows Shanghai dates, not UTC ones, across month and year ends', () => {
    // 22:30 on 31 Jan in Shanghai is 14:30 UTC the same day; the morning is 1 Feb.
    assert.deepEqual(nextSendableAt(new Date('2026-01-31T14:30:00Z'), q), new Date('2026-02-01T00:00:00Z'));
    assert.deepEqual(nextSendableAt(shanghai('2026-12-31 21:15'), q), shanghai('2027-01-01 08:00'));
    assert.deepEqual(nextSendableAt(shanghai('2028-02-28 22:00'), q), shanghai('2028-02-29 08:00'));
  });

  it('parses deployment windows, including one that does not cross midnight', () => {
    assert.deepEqual(parseQuietHours('21:00-08:00'), { ok: true, value: q });
    assert.deepEqual(parseQuietHours('off'), { ok: true, value: null });
    assert.equal(parseQuietHours('25:00-08:00').ok, false);
    assert.equal(parseQuietHours('21:00').ok, false);
    const lunch = parseQuietHours('12:00-13:30');
    assert.ok(lunch.ok && lunch.value);
    assert.equal(isQuiet(shanghai('2026-02-08 11:59'), lunch.value), false);
    assert.equal(isQuiet(shanghai('2026-02-08 12:00'), lunch.value), true);
    assert.deepEqual(nextSendableAt(shanghai('2026-02-08 13:00'), lunch.value), shanghai('2026-02-08 13:30'));
    assert.equal(isQuiet(shanghai('2026-02-08 22:00'), lunch.value), false);
    assert.deepEqual(nextSendableAt(shanghai('2026-02-08 22:00'), null), shanghai('2026-02-08 22:00'));
  });
});
