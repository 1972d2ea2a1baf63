import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A merchant's webhook endpoint. HTTPS, because payloads name orders and plans and the
 * signature protects integrity, not confidentiality; plain HTTP only to a loopback host, for
 * a merchant developing against a local Fenqi. No credentials in the URL: it is shown in
 * delivery listings.
 */
export function parseWebhookUrl(input: string | null | undefined, field = 'webhookUrl'): Result<string | null, DomainError> {
  if (input === null || input === undefined || input === '') return ok(null);
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return err(domainError('validation_failed', `${field} must be an absolute https:// URL`, field));
  }
  if (url.username || url.password) return err(domainError('validation_failed', `${field} must not contain credentials`, field));
  if (url.protocol === 'https:') return ok(url.toString());
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return ok(url.toString());
  return err(domainError('validation_failed', `${field} must use https:// (http:// is allowed only to localhost)`, field));
}
