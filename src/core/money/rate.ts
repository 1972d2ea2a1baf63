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
  // Digits by arithmetic rather than string joins and a regex replace: every quote parses two rates.
  const digits = m[2] ?? '';
  let places = digits.length;
  while (places > 0 && digits.charCodeAt(places - 1) === 48 /* '0' */) places--;
  const whole = Number(m[1]);
  const frac = digits.slice(0, places);
  const scale = 10 ** places;
  // At most 4 + 6 digits: num and den stay far below 2^53, so this is exact.
  const num = whole * scale + (places > 0 ? Number(frac) : 0);
  const percent = places > 0 ? `${whole}.${frac}` : String(whole);
  return ok(reduce(num, 100 * scale, percent));
}

function gcd(a: number, b: number): number {
  while (b) {
    const r = a % b;
    a = b;
    b = r;
  }
  return a;
}

function reduce(num: number, den: number, percent: string): Rate {
  if (num === 0) return { num: 0, den: 1, percent };
  const g = gcd(num, den);
  return { num: num / g, den: den / g, percent };
}

export function rateToNumber(rate: Rate): number {
  return rate.num / rate.den;
}

export function isZeroRate(rate: Rate): boolean {
  return rate.num === 0;
}
