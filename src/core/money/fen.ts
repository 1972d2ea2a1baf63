import { divRound, type RoundingMode } from './rounding.ts';
import { invariant } from '../result.ts';

/**
 * Money is an integer number of fen (分, 0.01 CNY). A JS number holds every integer up to
 * 2^53 exactly (about 90 trillion yuan), so plain numbers are exact here and much faster
 * than bigint; every operation asserts it stays a safe integer.
 */
export type Fen = number;

export function assertFen(value: number, what = 'amount'): Fen {
  // The message is built only on failure: this runs on every sum in the pricing hot path.
  if (!Number.isSafeInteger(value)) invariant(false, `${what} must be a whole number of fen, got ${value}`);
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
 * amount × numerator / denominator, rounded by the named mode. Exact: plain numbers while the
 * numerator stays a safe integer, bigint beyond that and for negative values.
 */
export function mulDiv(amount: Fen, numerator: number, denominator: number, mode: RoundingMode): Fen {
  const product = amount * numerator;
  const biased = product + roundingBias(denominator, mode);
  // Interest on a balance, the call made once per installment, is a non-negative product over a
  // positive denominator. (biased safe ⇒ product safe: bias ≥ 0.) The rest is a separate
  // function so that this one stays small enough for V8 to inline into pricing loops.
  if (product >= 0 && denominator > 0 && Number.isSafeInteger(biased) && Number.isSafeInteger(numerator) && Number.isSafeInteger(denominator)) {
    const q = floorDiv(biased, denominator);
    return settleTie(q, biased - q * denominator, hasHalfEvenTies(denominator, mode));
  }
  return mulDivBigint(amount, numerator, denominator, mode);
}

function mulDivBigint(amount: Fen, numerator: number, denominator: number, mode: RoundingMode): Fen {
  invariant(Number.isSafeInteger(numerator) && Number.isSafeInteger(denominator) && denominator !== 0, 'mulDiv needs an integer ratio');
  return Number(divRound(BigInt(amount) * BigInt(numerator), BigInt(denominator), mode));
}

/**
 * ⌊n / d⌋ for safe integers n ≥ 0, d > 0. Below 2^53 the correctly rounded quotient cannot
 * cross an integer (the gap to the next one, 1/d, exceeds its rounding error), so the check on
 * the exact remainder is a guard that costs two comparisons, not a correction we rely on.
 */
export function floorDiv(n: number, d: number): number {
  const q = Math.floor(n / d);
  const r = n - q * d;
  return r < 0 ? q - 1 : r >= d ? q + 1 : q;
}

/**
 * floorDiv(n, d) by multiplying with reciprocal = 1 / d, for a loop that divides by the same d
 * (a multiplication is several times cheaper than a division). n × reciprocal is within 2/3 of
 * n / d (two roundings of 2^-53 each on a quotient below 2^53 / 3; exact for d = 1 and 2), so one
 * correction step makes it exact, provided n + d ≤ 2^53 so that q × d is itself exact.
 */
export function floorDivByReciprocal(n: number, d: number, reciprocal: number): number {
  const q = Math.floor(n * reciprocal);
  const r = n - q * d;
  return r < 0 ? q - 1 : r >= d ? q + 1 : q;
}

/**
 * The rounding folded into the division: for n ≥ 0 and d > 0, ⌊(n + bias) / d⌋ is n / d rounded
 * by mode, so no branch depends on the remainder (a coin-flip branch per installment cost a
 * fifth of a schedule's time). Half-even rounds exact halves up here; settleTie corrects.
 */
export function roundingBias(d: number, mode: RoundingMode): number {
  return mode === 'down' ? 0 : mode === 'up' ? d - 1 : Math.floor(d / 2);
}

/**
 * Whether half-even must settle ties after the bias: only an even d gives exact halves
 * (remainder d/2). Loop-invariant, so a loop asks once and passes the answer to settleTie.
 */
export function hasHalfEvenTies(d: number, mode: RoundingMode): boolean {
  return mode === 'half-even' && d % 2 === 0;
}

/**
 * q and r are the quotient and remainder of (n + roundingBias(d, mode)) / d. With half-even
 * ties, r = 0 is exactly an exact half of n / d, which the bias (d/2) rounded up to q; half-even
 * wants the even neighbour, q − 1 when q is odd.
 */
export function settleTie(q: number, r: number, ties: boolean): number {
  return ties && r === 0 && q % 2 === 1 ? q - 1 : q;
}

/**
 * The repeated part of splitEvenly: total/parts rounded by the mode, so that every part but
 * the last is this and the last is total − share × (parts − 1). If rounding up would make the
 * last part negative (tiny totals), the share is the floor instead, so every part stays ≥ 0.
 * Pricing loops use this directly instead of allocating the parts.
 */
export function evenShare(total: Fen, parts: number, mode: RoundingMode): Fen {
  invariant(Number.isInteger(parts) && parts >= 1, 'parts must be a positive integer');
  invariant(total >= 0, 'an even split takes a non-negative total');
  const share = mulDiv(total, 1, parts, mode);
  return total - share * (parts - 1) < 0 ? mulDiv(total, 1, parts, 'down') : share;
}

/**
 * Splits a total into n parts that differ by at most the rounding residue and add up to the
 * total exactly: each part is evenShare(total, n, mode), the last absorbs the residue.
 */
export function splitEvenly(total: Fen, parts: number, mode: RoundingMode): Fen[] {
  const share = evenShare(total, parts, mode);
  const out = new Array<Fen>(parts).fill(share);
  out[parts - 1] = total - share * (parts - 1);
  return out;
}
