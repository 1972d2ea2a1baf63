import { createHmac, timingSafeEqual } from 'node:crypto';
import { fromEpochDay, toEpochDay, type BusinessDate } from '../calendar/business-date.ts';
import { invariant } from '../result.ts';
import { isUuid } from '../ids.ts';

/**
 * Signed links (还款链接) a notice carries: short enough for an SMS, bound to one customer
 * and one thing, expiring, and useless to anyone who changes a single character.
 *
 * A token is base64url of bytes, no padding:
 *   [0]      version (high 4 bits) and kind (low 4 bits)
 *   [1..17)  customer id (UUID, 16 bytes)
 *   bill:        due date as days since 1970-01-01 (u16, good until 2149)
 *   installment: plan id (16 bytes) and installment number (u16)
 *   email:       nothing (the address is bound by the MAC, not carried)
 *   then     expiry, Unix seconds (u32)
 *   last 10  HMAC-SHA256 over everything before it (and the bound value), truncated to 80 bits
 * A bill link is 33 bytes = 44 characters. 80 bits of tag is far beyond online guessing
 * (every try is an HTTP request), and the MAC is compared in constant time.
 *
 * node:crypto here is computation, not I/O: the core stays free of clocks and storage
 * (the caller passes `now`).
 */
export type LinkTarget =
  | { kind: 'bill'; customerId: string; dueDate: BusinessDate }
  | { kind: 'installment'; customerId: string; planId: string; installmentNumber: number }
  | { kind: 'email'; customerId: string };

export type LinkVerdict =
  | { status: 'valid'; target: LinkTarget; expiresAt: Date }
  /** Authentic but past its expiry: the customer may ask for a new one, but it shows nothing. */
  | { status: 'expired'; target: LinkTarget; expiresAt: Date }
  | { status: 'invalid'; reason: 'malformed' | 'forged' };

const VERSION = 1;
const KIND_CODES = { bill: 1, installment: 2, email: 3 } as const;
const MAC_BYTES = 10;
const TOKEN = /^[A-Za-z0-9_-]{20,120}$/;

/** A key for links only, derived from the deployment secret, so a link MAC can never double as a phone hash or anything else signed with it. */
export function deriveLinkKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('fenqi:repayment-link-key:v1').digest();
}

export function signLink(key: Buffer, target: LinkTarget, expiresAt: Date, boundTo = ''): string {
  const payload = encodePayload(target, expiresAt);
  return Buffer.concat([payload, mac(key, payload, boundTo)]).toString('base64url');
}

/**
 * Checks a token: shape, then MAC (constant time), then expiry. `boundTo` must be the same
 * value given when signing (the address an email link verifies; empty for repayment links).
 */
export function verifyLink(key: Buffer, token: string, now: Date, boundTo = ''): LinkVerdict {
  if (!TOKEN.test(token)) return { status: 'invalid', reason: 'malformed' };
  const bytes = Buffer.from(token, 'base64url');
  // Base64url has slack bits in a last character; only the canonical spelling is accepted, so
  // two different strings never verify as the same link.
  if (bytes.toString('base64url') !== token || bytes.length <= MAC_BYTES) return { status: 'invalid', reason: 'malformed' };
  const payload = bytes.subarray(0, bytes.length - MAC_BYTES);
  const tag = bytes.subarray(bytes.length - MAC_BYTES);
  const decoded = decodePayload(payload);
  if (!decoded) return { status: 'invalid', reason: 'malformed' };
  if (!timingSafeEqual(tag, mac(key, payload, boundTo))) return { status: 'invalid', reason: 'forged' };
  return now.getTime() < decoded.expiresAt.getTime()
    ? { status: 'valid', target: decoded.target, expiresAt: decoded.expiresAt }
    : { status: 'expired', target: decoded.target, expiresAt: decoded.expiresAt };
}

/**
 * What a token claims to be about, NOT authenticated. Only for choosing the value a link
 * is bound to (an email link's pending address) before verifyLink checks it; never act on it.
 */
export function peekLinkTarget(token: string): LinkTarget | null {
  if (!TOKEN.test(token)) return null;
  const bytes = Buffer.from(token, 'base64url');
  return bytes.length > MAC_BYTES ? decodePayload(bytes.subarray(0, bytes.length - MAC_BYTES))?.target ?? null : null;
}

function mac(key: Buffer, payload: Buffer, boundTo: string): Buffer {
  return createHmac('sha256', key).update(payload).update(Buffer.from([0])).update(boundTo, 'utf8').digest().subarray(0, MAC_BYTES);
}

function encodePayload(target: LinkTarget, expiresAt: Date): Buffer {
  const seconds = Math.floor(expiresAt.getTime() / 1000);
  invariant(seconds > 0 && seconds < 2 ** 32, 'link expiry fits 32 bits');
  const parts: Buffer[] = [Buffer.from([(VERSION << 4) | KIND_CODES[target.kind]]), uuidBytes(target.customerId)];
  if (target.kind === 'bill') parts.push(u16(toEpochDay(target.dueDate), 'due date'));
  if (target.kind === 'installment') parts.push(uuidBytes(target.planId), u16(target.installmentNumber, 'installment number'));
  const expiry = Buffer.alloc(4);
  expiry.writeUInt32BE(seconds);
  parts.push(expiry);
  return Buffer.concat(parts);
}

function decodePayload(p: Buffer): { target: LinkTarget; expiresAt: Date } | null {
  if (p.length < 21 || p[0]! >> 4 !== VERSION) return null;
  const kind = p[0]! & 0x0f;
  const customerId = uuidString(p.subarray(1, 17));
  const expiresAt = (at: number) => new Date(p.readUInt32BE(at) * 1000);
  if (kind === KIND_CODES.bill && p.length === 23) {
    return { target: { kind: 'bill', customerId, dueDate: fromEpochDay(p.readUInt16BE(17)) }, expiresAt: expiresAt(19) };
  }
  if (kind === KIND_CODES.installment && p.length === 39) {
    return { target: { kind: 'installment', customerId, planId: uuidString(p.subarray(17, 33)), installmentNumber: p.readUInt16BE(33) }, expiresAt: expiresAt(35) };
  }
  if (kind === KIND_CODES.email && p.length === 21) return { target: { kind: 'email', customerId }, expiresAt: expiresAt(17) };
  return null;
}

function u16(value: number, what: string): Buffer {
  invariant(Number.isInteger(value) && value >= 0 && value < 65_536, `${what} fits 16 bits`);
  const b = Buffer.alloc(2);
  b.writeUInt16BE(value);
  return b;
}

function uuidBytes(id: string): Buffer {
  invariant(isUuid(id), 'link ids are UUIDs');
  return Buffer.from(id.replace(/-/g, ''), 'hex');
}

function uuidString(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
