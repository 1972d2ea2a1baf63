import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app/deps.ts';
import type { StaffRole } from '../../adapters/http/auth.ts';
import { readCookies } from '../cookies.ts';
import type { Staff } from '../dashboard/staff-auth.ts';
import { staffBySession } from '../staff-sessions.ts';

/**
 * The console's staff session (web/staff-sessions.ts) lives in its own HttpOnly,
 * SameSite=Strict cookie scoped to /console, so signing out of the dashboard does not sign an
 * agent out mid-call, and neither cookie is sent to the other's pages. The session is checked
 * on every request by the API's own authenticate(), so a revoked key stops at once and a role
 * means here what it means on the API.
 */
export const CONSOLE_COOKIE = 'fq_console';

/** Who may open the console. Operators run the catalogue and the dashboard; they may read here too. */
export const CONSOLE_ROLES: readonly StaffRole[] = ['admin', 'agent', 'supervisor', 'auditor', 'operator'];
/** Who may act (send links, trace, waive, refund, move tickets, log contacts): the API checks again. */
export const ACTING_ROLES: readonly StaffRole[] = ['admin', 'agent', 'supervisor'];

export async function consoleStaffOf(deps: AppDeps, req: FastifyRequest): Promise<Staff | null> {
  const token = readCookies(req)[CONSOLE_COOKIE];
  return token ? staffBySession(deps, token) : null;
}

export const mayAct = (staff: Staff): boolean => ACTING_ROLES.includes(staff.role);
