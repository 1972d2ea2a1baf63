import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app/deps.ts';
import { authenticate, type StaffRole } from '../../adapters/http/auth.ts';
import { readCookies } from '../cookies.ts';

/**
 * Staff sign in to the dashboard with their API key, kept in an HttpOnly, SameSite=Strict
 * cookie scoped to /dashboard (Fenqi has no staff sessions yet; when it has, the cookie will
 * carry one instead). The key is checked on every request through the API's own
 * authenticate(), so a revoked key stops working at once and roles mean the same as on the API.
 */
export const STAFF_COOKIE = 'fq_staff';
export const DASHBOARD = '/dashboard';

/** Who may open the dashboard. Agents work in the service console, not here. */
export const VIEW_ROLES: readonly StaffRole[] = ['admin', 'operator', 'supervisor', 'auditor'];
/** Who may act, per action — the same rule as the API routes behind them (the API checks again). */
export const ACT_ROLES = {
  entrances: ['admin', 'operator'], incidents: ['admin', 'operator', 'supervisor'],
  /** Products, merchants and their offers (the API's ROLES.catalogue); API keys (ROLES.keys); partners (partners.ts ROLES.write). */
  catalogue: ['admin', 'operator'], keys: ['admin', 'operator'], partners: ['admin', 'operator'],
} satisfies Record<string, StaffRole[]>;

export interface Staff { key: string; role: StaffRole }

export async function staffByKey(deps: AppDeps, key: string): Promise<Staff | null> {
  if (!/^fqk_[A-Za-z0-9_-]{10,100}$/.test(key)) return null;
  // authenticate() reads only the Authorization header of the request it is given.
  const p = await authenticate(deps, { headers: { authorization: `Bearer ${key}` } } as FastifyRequest);
  return p?.kind === 'staff' ? { key, role: p.role } : null;
}

export async function staffOf(deps: AppDeps, req: FastifyRequest): Promise<Staff | null> {
  const key = readCookies(req)[STAFF_COOKIE];
  return key ? staffByKey(deps, key) : null;
}

export const may = (staff: Staff, action: keyof typeof ACT_ROLES): boolean => (ACT_ROLES[action] as readonly StaffRole[]).includes(staff.role);
