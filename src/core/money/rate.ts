import { err, ok, type Result } from '../result.ts';
import { domainError, type DomainError } from '../errors.ts';

/**
 * A rate is an exact fraction num/den, parsed from a decimal percent string such as "4.9"
 * (4.9% = 49/1000). Keeping rates exact lets interest be computed as one integer division
 * with a named rounding, never as a float that later "becomes" money.
 */
export interface Rate {
  num: number;
  den: number;
  /** The percent as the user wrote it, normalised ("4.9"). Stored on plans. */
  percent: string;
}

const PERCENT = /^(\d{1,4})(?:\.(\d{1,6}))?$/;

export const ZERO_RATE: Rate = { num: 0, den: 1, percent: '0' };

export function parsePercent(input: unknown, field = 'rate'): Result<Rate, DomainError> {
  const text = typeof input === 'number' ? (Number.isFinite(input) ? String(input) : '') : input;
  if (typeof text !== 'string' || text.length === 0) {
    return err(domainError('rate_invalid', `${field} must be a percent like "4.9"`, field));
  }
  if (text.startsWith('-')) return err(domainError('rate_invalid', `${field} must not be negative; got "${text}"`, field));
  const m = PERCENT.exec(text);
  if (!m) return err(domainError('rate_invalid', `${field} must be a percent with at most 6 decimals, like "4.9"; got "${text}"`, field));
  const frac = (m[2] ?? '').replace(/0+$/, '');
  const num = Number(m[1]! + frac);
  const den = 100 * 10 ** frac.length;
  const percent = frac ? `${Number(m[1])}.${frac}` : String(Number(m[1]));
  return ok(reduce({ num, den, percent }));
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function reduce(rate: Rate): Rate {
  if (rate.num === 0) return { ...rate, num: 0, den: 1 };
  const g = gcd(rate.num, rate.den);
  return { num: rate.num / g, den: rate.den / g, percent: rate.percent };
}

export function rateToNumber(rate: Rate): number {
  return rate.num / rate.den;
}

export function isZeroRate(rate: Rate): boolean {
  return rate.num === 0;
}
