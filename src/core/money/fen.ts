import { divRound, type RoundingMode } from './rounding.ts';
import { invariant } from '../result.ts';

/**
 * Money is an integer number of fen (分, 0.01 CNY). A JS number holds every integer up to
 * 2^53 exactly (about 90 trillion yuan), so plain numbers are exact here and much faster
 * than bigint; every operation asserts it stays a safe integer.
 */
export type Fen = number;

export function assertFen(value: number, what = 'amount'): Fen {
  invariant(Number.isSafeInteger(value), `${what} must be a whole number of fen, got ${value}`);
  return value;
}

export function addFen(...values: Fen[]): Fen {
  let total = 0;
  for (const v of values) total += v;
  return assertFen(total, 'sum');
}

export function sumFen(values: Iterable<Fen>): Fen {
  let total = 0;
  for (const v of values) total += v;
  return assertFen(total, 'sum');
}

/**
 * amount × numerator / denominator, rounded by the named mode. Exact: uses bigint when the
 * product would leave the safe-integer range.
 */
export function mulDiv(amount: Fen, numerator: number, denominator: number, mode: RoundingMode): Fen {
  invariant(Number.isSafeInteger(numerator) && Number.isSafeInteger(denominator) && denominator !== 0, 'mulDiv needs an integer ratio');
  const product = amount * numerator;
  if (!Number.isSafeInteger(product)) {
    return Number(divRound(BigInt(amount) * BigInt(numerator), BigInt(denominator), mode));
  }
  const negative = product < 0 !== denominator < 0;
  const n = Math.abs(product);
  const d = Math.abs(denominator);
  // Float division can land one off near an integer; the remainder check corrects it.
  let q = Math.floor(n / d);
  let r = n - q * d;
  if (r < 0) { q -= 1; r += d; } else if (r >= d) { q += 1; r -= d; }
  if (r !== 0) {
    const twice = 2 * r;
    if (mode === 'up' || (mode === 'half-up' && twice >= d) || (mode === 'half-even' && (twice > d || (twice === d && q % 2 === 1)))) q += 1;
  }
  return negative && q !== 0 ? -q : q;
}

/**
 * Splits a total into n parts that differ by at most the rounding residue and add up to the
 * total exactly: each part is total/n rounded by the mode, the last absorbs the residue.
 * If that would make the last part negative (tiny totals), parts fall back to floor with
 * the remainder on the last part, so every part stays ≥ 0.
 */
export function splitEvenly(total: Fen, parts: number, mode: RoundingMode): Fen[] {
  invariant(Number.isInteger(parts) && parts >= 1, 'parts must be a positive integer');
  invariant(total >= 0, 'splitEvenly takes a non-negative total');
  let each = mulDiv(total, 1, parts, mode);
  let last = total - each * (parts - 1);
  if (last < 0) {
    each = Math.floor(total / parts);
    last = total - each * (parts - 1);
  }
  const out = new Array<Fen>(parts).fill(each);
  out[parts - 1] = last;
  return out;
}
