import { err, ok, type Result } from '../result.ts';
import { domainError, type DomainError } from '../errors.ts';
import type { Fen } from './fen.ts';

const YUAN = /^(-)?(\d+)(?:\.(\d{1,2}))?$/;
/** Above this a single amount is surely a typo or an attack (100 billion yuan). */
export const MAX_AMOUNT_FEN = 10_000_000_000_000;

export interface ParseMoneyOptions {
  allowNegative?: boolean;
  allowZero?: boolean;
  field?: string;
}

/**
 * Parses a yuan amount written as a decimal string ("6000", "6000.5", "6000.50") into fen.
 * Rejects more than two decimals, exponents, signs other than a leading minus (when allowed),
 * spaces, NaN, empty input and absurd sizes. Numbers are accepted only if their decimal
 * form parses the same way, so 1.234 is refused rather than silently rounded.
 */
export function parseYuan(input: unknown, options: ParseMoneyOptions = {}): Result<Fen, DomainError> {
  const field = options.field ?? 'amount';
  const text = typeof input === 'number' ? (Number.isFinite(input) ? String(input) : '') : input;
  if (typeof text !== 'string') return err(domainError('amount_invalid', `${field} must be a decimal string like "6000.00"`, field));
  const m = YUAN.exec(text);
  if (!m) {
    return err(domainError('amount_invalid', `${field} must be yuan with at most two decimals, like "6000.50"; got "${text}"`, field));
  }
  const negative = m[1] === '-';
  const whole = m[2]!;
  const frac = (m[3] ?? '').padEnd(2, '0');
  if (whole.length > 14) return err(domainError('amount_invalid', `${field} is too large`, field));
  const magnitude = Number(whole) * 100 + Number(frac);
  if (magnitude > MAX_AMOUNT_FEN) return err(domainError('amount_invalid', `${field} is too large`, field));
  const fen = negative ? -magnitude : magnitude;
  if (fen < 0 && !options.allowNegative) return err(domainError('amount_invalid', `${field} must not be negative; got "${text}"`, field));
  if (fen === 0 && options.allowZero === false) return err(domainError('amount_invalid', `${field} must be greater than zero`, field));
  return ok(fen === 0 ? 0 : fen);
}

/** Formats fen as a yuan decimal string with exactly two decimals: 53309 → "533.09". */
export function formatYuan(fen: Fen): string {
  const negative = fen < 0;
  const abs = Math.abs(fen);
  const whole = Math.floor(abs / 100);
  const cents = abs % 100;
  return `${negative ? '-' : ''}${whole}.${cents < 10 ? '0' : ''}${cents}`;
}

/** For people: "¥6,000.00" (zh-CN and en share the grouping). */
export function displayYuan(fen: Fen): string {
  const [whole, frac] = formatYuan(Math.abs(fen)).split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${fen < 0 ? '-' : ''}¥${grouped}.${frac}`;
}
