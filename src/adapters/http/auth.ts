import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app/deps.ts';
import type { Actor } from '../../app/context.ts';
import { domainError } from '../../core/errors.ts';
import { sendProblem } from './problem.ts';

export type StaffRole = 'admin' | 'operator' | 'agent' | 'supervisor' | 'auditor';

export type Principal =
  | { kind: 'merchant'; merchantId: string; keyId: string }
  | { kind: 'staff'; role: StaffRole; keyId: string; sessionHash?: string }
  | { kind: 'customer'; customerId: string; tokenHash: string };

declare module 'fastify' {
  interface FastifyRequest { principal?: Principal }
}

export const API_KEY_PREFIX = 'fqk_';
export const SESSION_PREFIX = 'fqs_';
/** Staff sessions of the console and the dashboard (app/staff/start-staff-session.ts): the key stays out of the browser. */
export const STAFF_SESSION_PREFIX = 'fqt_';

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');
/** 32 random bytes: unguessable, so a plain SHA-256 is enough to store it (no slow hash needed). */
export const newToken = (prefix: string): string => `${prefix}${randomBytes(32).toString('base64url')}`;

function bearer(req: FastifyRequest): string | null {
  const header = req.headers.authorization;
  if (!header || !header.startsWith('Bearer ')) return null;
  return header.slice(7).trim() || null;
}

/** Resolves the bearer token to a principal (API key, staff session or customer session), or null. */
export async function authenticate(deps: AppDeps, req: FastifyRequest): Promise<Principal | null> {
  const token = bearer(req);
  if (!token) return null;
  const tokenHash = hashToken(token);
  if (token.startsWith(API_KEY_PREFIX)) {
    const key = await deps.db.selectFrom('api_keys').select(['id', 'role', 'merchant_id'])
      .where('key_hash', '=', tokenHash).where('revoked_at', 'is', null).executeTakeFirst();
    if (!key) return null;
    if (key.role === 'merchant' && key.merchant_id) return { kind: 'merchant', merchantId: key.merchant_id, keyId: key.id };
    return { kind: 'staff', role: key.role as StaffRole, keyId: key.id };
  }
  if (token.startsWith(STAFF_SESSION_PREFIX)) {
    // A staff session acts as the key it was opened with, and only while that key is not revoked.
    const s = await deps.db.selectFrom('staff_sessions as s').innerJoin('api_keys as k', 'k.id', 's.api_key_id').select(['k.id', 'k.role'])
      .where('s.token_hash', '=', tokenHash).where('s.revoked_at', 'is', null).where('s.expires_at', '>', deps.clock.now())
      .where('k.revoked_at', 'is', null).where('k.role', '!=', 'merchant').executeTakeFirst();
    return s ? { kind: 'staff', role: s.role as StaffRole, keyId: s.id, sessionHash: tokenHash } : null;
  }
  if (token.startsWith(SESSION_PREFIX)) {
    const now = deps.clock.now();
    const s = await deps.db.selectFrom('sessions').select(['customer_id'])
      .where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).where('expires_at', '>', now).executeTakeFirst();
    return s ? { kind: 'customer', customerId: s.customer_id, tokenHash } : null;
  }
  return null;
}

export function actorOf(principal: Principal, ip?: string): Actor {
  const base = ip ? { ip } : {};
  switch (principal.kind) {
    case 'merchant': return { kind: 'merchant', id: principal.merchantId, ...base };
    case 'staff': return { kind: 'staff', id: principal.keyId, role: principal.role, ...base };
    case 'customer': return { kind: 'customer', id: principal.customerId, ...base };
  }
}

type Guard = (req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | void>;

/** preHandler guards. Staff roles: admin can do everything staff can. */
export function guards(deps: AppDeps) {
  const resolve = async (req: FastifyRequest) => (req.principal ??= (await authenticate(deps, req)) ?? undefined);
  const denied = (reply: FastifyReply, who: string) => sendProblem(reply, domainError('forbidden', `this endpoint is for ${who}`));
  const missing = (reply: FastifyReply) => sendProblem(reply, domainError('unauthorized', 'missing or invalid bearer token'));
  const merchant: Guard = async (req, reply) => {
    const p = await resolve(req);
    if (!p) return missing(reply);
    if (p.kind !== 'merchant') return denied(reply, 'merchants');
  };
  const customer: Guard = async (req, reply) => {
    const p = await resolve(req);
    if (!p) return missing(reply);
    if (p.kind !== 'customer') return denied(reply, 'customers');
  };
  const staff = (...roles: StaffRole[]): Guard => async (req, reply) => {
    const p = await resolve(req);
    if (!p) return missing(reply);
    if (p.kind !== 'staff' || (p.role !== 'admin' && !roles.includes(p.role))) return denied(reply, `staff with role ${['admin', ...roles].join(' or ')}`);
  };
  return { merchant, customer, staff };
}

/** The Idempotency-Key header, if sent: 1–255 visible ASCII characters. */
export function idempotencyKeyOf(req: FastifyRequest): string | null | 'invalid' {
  const raw = req.headers['idempotency-key'];
  if (raw === undefined) return null;
  if (typeof raw !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(raw)) return 'invalid';
  return raw;
}

export function scopeOf(principal: Principal): string {
  switch (principal.kind) {
    case 'merchant': return `merchant:${principal.merchantId}`;
    case 'staff': return `staff:${principal.keyId}`;
    case 'customer': return `customer:${principal.customerId}`;
  }
}
