import { maskPhonesIn } from '../privacy/mask.ts';

/** "a***@example.com": enough to tell addresses apart in a record, not enough to write to one. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  return at <= 0 ? '***' : `${address[0]}***${address.slice(at)}`;
}

const EMAIL_IN_TEXT = /[^\s<>()"',;:@]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
/** Mainland mobiles with a country prefix (+86, 0086, 86), as providers write them; maskPhonesIn sees only bare ones. */
const PREFIXED_PHONE = /(?<![\d+])(\+86|0086|86)(1[3-9]\d)(\d{4})(\d{4})(?!\d)/g;

/**
 * Provider answers are stored as delivery records and may echo what they refused ("550
 * <li@example.com>: no such user", "incorrect number 138…"): phone numbers and addresses
 * are masked before anything is written (PIPL).
 */
export function scrubProviderText(text: string): string {
  return maskPhonesIn(text.replace(EMAIL_IN_TEXT, (m) => maskEmail(m)).replace(PREFIXED_PHONE, '$1$2****$4'));
}
