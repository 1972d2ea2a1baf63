import { err, ok, type Result } from '../result.ts';
import { domainError, type DomainError } from '../errors.ts';

const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;

/** Accepts a mainland mobile number with or without +86/0086 and spaces or dashes; returns the 11 digits. */
export function parsePhone(input: unknown, field = 'phone'): Result<string, DomainError> {
  if (typeof input !== 'string') return err(domainError('validation_failed', `${field} must be a mainland mobile number like 13800138000`, field));
  const digits = input.replace(/[\s-]/g, '').replace(/^(\+86|0086)/, '');
  if (!MAINLAND_MOBILE.test(digits)) return err(domainError('validation_failed', `${field} must be an 11-digit mainland mobile number starting with 1; got "${maskLoose(input)}"`, field));
  return ok(digits);
}

/** Even a rejected number is masked before it goes into an error message or a log. */
function maskLoose(text: string): string {
  return text.length > 7 ? `${text.slice(0, 3)}****${text.slice(-4)}` : text.replace(/\d/g, '*');
}
