import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures, Stripe's scheme: `Fenqi-Signature: t=<unix seconds>,v1=<hex>` where
 * the hex is HMAC-SHA256 of `<t>.<raw body>` under the merchant's webhook secret. Signing the
 * timestamp with the body lets a receiver refuse replays of an old, captured request.
 */
export const SIGNATURE_HEADER = 'Fenqi-Signature';
export const EVENT_ID_HEADER = 'Fenqi-Event-Id';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function signatureOf(secret: string, timestampSeconds: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.`).update(body).digest('hex');
}

export function signatureHeader(secret: string, timestampSeconds: number, body: string | Buffer): string {
  return `t=${timestampSeconds},v1=${signatureOf(secret, timestampSeconds, body)}`;
}

export type WebhookVerification =
  | { valid: true; timestamp: number }
  | { valid: false; reason: 'malformed_header' | 'timestamp_outside_tolerance' | 'signature_mismatch' };

/**
 * For merchants' receivers. Pass the RAW request body exactly as received (a re-serialised
 * JSON object will not match), the `Fenqi-Signature` header, and the current time in unix
 * seconds. Accepts any of several `v1=` values, so a secret can be rotated without a gap.
 *
 * ```ts
 * const check = verifyWebhookSignature(process.env.FENQI_WEBHOOK_SECRET!, req.headers['fenqi-signature'], rawBody, Math.floor(Date.now() / 1000));
 * if (!check.valid) return res.writeHead(400).end(check.reason);
 * // then de-duplicate on the Fenqi-Event-Id header: a delivery can arrive more than once
 * ```
 */
export function verifyWebhookSignature(
  secret: string, header: string | string[] | undefined, body: string | Buffer, nowSeconds: number,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): WebhookVerification {
  const parsed = parseHeader(Array.isArray(header) ? header[0] : header);
  if (!parsed) return { valid: false, reason: 'malformed_header' };
  if (Math.abs(nowSeconds - parsed.timestamp) > toleranceSeconds) return { valid: false, reason: 'timestamp_outside_tolerance' };
  const expected = Buffer.from(signatureOf(secret, parsed.timestamp, body), 'hex');
  const match = parsed.signatures.some((hex) => {
    const given = Buffer.from(hex, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return match ? { valid: true, timestamp: parsed.timestamp } : { valid: false, reason: 'signature_mismatch' };
}

function parseHeader(header: string | undefined): { timestamp: number; signatures: string[] } | null {
  if (!header) return null;
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [name, value] = part.trim().split('=', 2);
    if (name === 't' && value && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (name === 'v1' && value && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value);
  }
  return timestamp === null || signatures.length === 0 ? null : { timestamp, signatures };
}
