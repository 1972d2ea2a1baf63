import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../app/deps.ts';
import { execute } from '../app/execute.ts';
import { endStaffSession } from '../app/staff/end-staff-session.ts';
import { startStaffSession, type StaffSession, type StaffSurface } from '../app/staff/start-staff-session.ts';
import { actorOf, authenticate, STAFF_SESSION_PREFIX, type StaffRole } from '../adapters/http/auth.ts';

/**
 * Sign-in and sign-out of the service console and the operator dashboard. Staff type their API
 * key once; the browser keeps a staff session token (HttpOnly, SameSite=Strict, scoped to the
 * surface's path), never the key. Each request resolves the token through the API's own
 * authenticate(), so the session acts with the key's role, and revoking the key, signing out or
 * the twelve hours running out ends it at once.
 */
export interface Staff { token: string; role: StaffRole; keyId: string }

const TOKEN = /^fqt_[A-Za-z0-9_-]{40,60}$/;

export async function staffBySession(deps: AppDeps, token: string): Promise<Staff | null> {
  if (!TOKEN.test(token)) return null;
  // authenticate() reads only the Authorization header of the request it is given.
  const p = await authenticate(deps, { headers: { authorization: `Bearer ${token}` } } as FastifyRequest);
  return p?.kind === 'staff' ? { token, role: p.role, keyId: p.keyId } : null;
}

export type SignIn = { ok: true; session: StaffSession } | { ok: false; code: 'unauthorized' | 'forbidden' };

export async function signInStaff(deps: AppDeps, req: FastifyRequest, key: string, surface: StaffSurface, roles: readonly StaffRole[]): Promise<SignIn> {
  // Who signs in is known only once the key is checked; the use case records the sign-in as the key's.
  const r = await execute(deps, { kind: 'system', id: `${surface}-sign-in`, ip: req.ip }, (ctx) => startStaffSession(ctx, { key, surface, roles }));
  if (r.ok && !r.replayed) return { ok: true, session: r.value };
  return { ok: false, code: !r.ok && r.error.code === 'forbidden' ? 'forbidden' : 'unauthorized' };
}

/** Ends the session in the cookie, if it is one; the caller clears the cookie either way. */
export async function signOutStaff(deps: AppDeps, req: FastifyRequest, token: string | undefined): Promise<void> {
  if (!token || !token.startsWith(STAFF_SESSION_PREFIX)) return;
  const staff = await staffBySession(deps, token);
  const actor = staff ? actorOf({ kind: 'staff', role: staff.role, keyId: staff.keyId }, req.ip) : { kind: 'system' as const, id: 'sign-out', ip: req.ip };
  await execute(deps, actor, (ctx) => endStaffSession(ctx, { token }));
}
