import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mulDiv, splitEvenly, sumFen } from './fen.ts';
import { formatYuan, parseYuan } from './parse.ts';
import { parsePercent } from './rate.ts';
import { divRound, ROUNDING_MODES, type RoundingMode } from './rounding.ts';

test('parseYuan accepts whole yuan and one or two decimals', () => {
  assert.deepEqual(parseYuan('6000'), { ok: true, value: 600000 });
  assert.deepEqual(parseYuan('6000.5'), { ok: true, value: 600050 });
  assert.deepEqual(parseYuan('6000.50'), { ok: true, value: 600050 });
  assert.deepEqual(parseYuan('0.01'), { ok: true, value: 1 });
});

test('parseYuan rejects malformed amounts', () => {
  for (const bad of ['1.234', '1e3', 'NaN', '', '-5', ' 5', '5 ', '+5', '.5', '5.', '1,000', 'Infinity']) {
    const r = parseYuan(bad);
    assert.equal(r.ok, false, `"${bad}" should be rejected`);
    if (!r.ok) assert.equal(r.error.code, 'amount_invalid');
  }
  assert.equal(parseYuan(Number.NaN).ok, false);
  assert.equal(parseYuan(1.234).ok, false);
});

test('parseYuan takes a minus only when negatives are allowed, and zero unless refused', () => {
  assert.deepEqual(parseYuan('-5', { allowNegative: true }), { ok: true, value: -500 });
  assert.deepEqual(parseYuan('0'), { ok: true, value: 0 });
  assert.equal(parseYuan('0', { allowZero: false }).ok, false);
});

test('formatYuan and parseYuan round-trip every amount', () => {
  fc.assert(fc.property(fc.integer({ min: -1e13, max: 1e13 }), (fen) => {
    assert.deepEqual(parseYuan(formatYuan(fen), { allowNegative: true }), { ok: true, value: fen });
  }));
});

/** Reference: exact bigint quotient and remainder, rounded on the magnitude (half-up = half away from zero). */
function reference(a: bigint, n: bigint, d: bigint, mode: RoundingMode): bigint {
  const p = a * n;
  const negative = p !== 0n && (p < 0n) !== (d < 0n);
  const P = p < 0n ? -p : p;
  const D = d < 0n ? -d : d;
  const q = P / D;
  const r2 = 2n * (P % D);
  const bump = P % D === 0n ? false
    : mode === 'up' ? true : mode === 'down' ? false : mode === 'half-up' ? r2 >= D : r2 > D || (r2 === D && q % 2n === 1n);
  const m = bump ? q + 1n : q;
  return negative ? -m : m;
}

const anyInt = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.integer({ min: -1e9, max: 1e9 }),
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
);
const mode = fc.constantFrom(...ROUNDING_MODES);

test('mulDiv matches a bigint reference for every rounding mode', () => {
  fc.assert(fc.property(anyInt, anyInt, anyInt.filter((d) => d !== 0), mode, (a, n, d, m) => {
    const expected = reference(BigInt(a), BigInt(n), BigInt(d), m);
    fc.pre(expected >= BigInt(Number.MIN_SAFE_INTEGER) && expected <= BigInt(Number.MAX_SAFE_INTEGER));
    assert.equal(mulDiv(a, n, d, m), Number(expected), `${a} × ${n} / ${d} (${m})`);
  }), { numRuns: 5000 });
});

test('mulDiv rounds exact halves by mode', () => {
  // 5 / 2 = 2.5 and 7 / 2 = 3.5: half-even goes to the even neighbour.
  assert.deepEqual(ROUNDING_MODES.map((m) => mulDiv(5, 1, 2, m)), [3, 2, 2, 3]);
  assert.deepEqual(ROUNDING_MODES.map((m) => mulDiv(7, 1, 2, m)), [4, 4, 3, 4]);
  assert.deepEqual(ROUNDING_MODES.map((m) => mulDiv(-5, 1, 2, m)), [-3, -2, -2, -3]);
});

test('divRound matches the same reference', () => {
  fc.assert(fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }).filter((d) => d !== 0n), mode, (n, d, m) => {
    assert.equal(divRound(n, d, m), reference(n, 1n, d, m));
  }));
});

test('splitEvenly parts sum to the total, are never negative and differ by little', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 1, max: 360 }), mode, (total, parts, m) => {
    const split = splitEvenly(total, parts, m);
    assert.equal(split.length, parts);
    assert.equal(sumFen(split), total);
    for (const p of split) assert.ok(Number.isSafeInteger(p) && p >= 0);
    // All but the last are equal; the last carries the residue.
    assert.ok(split.slice(0, -1).every((p) => p === split[0]));
  }));
});

test('parsePercent keeps rates exact', () => {
  assert.deepEqual(parsePercent('4.9'), { ok: true, value: { num: 49, den: 1000, percent: '4.9' } });
  assert.deepEqual(parsePercent('0.05'), { ok: true, value: { num: 1, den: 2000, percent: '0.05' } });
  for (const bad of ['-1', '', 'abc', '1e2', '4.1234567']) assert.equal(parsePercent(bad).ok, false, bad);
});
