import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app/deps.ts';
import type { StaffRole } from '../../adapters/http/auth.ts';
import { readCookies } from '../cookies.ts';
import { staffByKey, type Staff } from '../dashboard/staff-auth.ts';

/**
 * Staff sign in to the console with their API key, kept in an HttpOnly, SameSite=Strict
 * cookie scoped to /console — its own cookie, so signing out of the dashboard does not sign
 * an agent out mid-call, and neither cookie is sent to the other's pages. The key is checked
 * on every request by the API's own authenticate() (through staffByKey), so a revoked key
 * stops at once and a role means here what it means on the API.
 */
export const CONSOLE_COOKIE = 'fq_console';

/** Who may open the console. Operators run the catalogue and the dashboard; they may read here too. */
export const CONSOLE_ROLES: readonly StaffRole[] = ['admin', 'agent', 'supervisor', 'auditor', 'operator'];
/** Who may act (send links, trace, waive, refund, move tickets, log contacts): the API checks again. */
export const ACTING_ROLES: readonly StaffRole[] = ['admin', 'agent', 'supervisor'];

export async function consoleStaffOf(deps: AppDeps, req: FastifyRequest): Promise<Staff | null> {
  const key = readCookies(req)[CONSOLE_COOKIE];
  return key ? staffByKey(deps, key) : null;
}

export const mayAct = (staff: Staff): boolean => ACTING_ROLES.includes(staff.role);
