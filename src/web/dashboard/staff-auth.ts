import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app/deps.ts';
import type { StaffRole } from '../../adapters/http/auth.ts';
import { readCookies } from '../cookies.ts';
import { staffBySession, type Staff } from '../staff-sessions.ts';

export type { Staff };

/**
 * The dashboard's staff session lives in its own HttpOnly, SameSite=Strict cookie scoped to
 * /dashboard (web/staff-sessions.ts: a session token, never the API key).
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

export async function staffOf(deps: AppDeps, req: FastifyRequest): Promise<Staff | null> {
  const token = readCookies(req)[STAFF_COOKIE];
  return token ? staffBySession(deps, token) : null;
}

export const may = (staff: Staff, action: keyof typeof ACT_ROLES): boolean => (ACT_ROLES[action] as readonly StaffRole[]).includes(staff.role);
