import { domainError, type DomainError } from '../../core/errors.ts';
import { DEFAULT_SERVICE_LIMITS, type ServiceLimits } from '../../core/service/limits.ts';
import { err, ok, type Result } from '../../core/result.ts';
import type { Actor } from '../context.ts';
import type { AppDeps } from '../deps.ts';

/**
 * Who may use the service tools. The console calls these use cases directly, so the roles
 * are checked here as well as by the HTTP guards: reading a customer's account is for
 * service, operations and audit staff; acting on it (messages, traces, money, tickets) for
 * agents and supervisors (and admins). Auditors look and never touch.
 */
export const SERVICE_READ_ROLES = ['admin', 'operator', 'agent', 'supervisor', 'auditor'] as const;
export const SERVICE_ACT_ROLES = ['admin', 'agent', 'supervisor'] as const;

export function requireStaff(actor: Actor, roles: readonly string[]): Result<{ id: string; role: string }, DomainError> {
  if (actor.kind === 'system') return ok({ id: actor.id, role: 'admin' });
  if (actor.kind !== 'staff' || !roles.includes(actor.role ?? '')) return err(domainError('forbidden', `this needs staff with role ${roles.join(' or ')}`));
  return ok({ id: actor.id, role: actor.role! });
}


/** The deployment's per-role limits over the defaults. */
export const serviceLimitsOf = (deps: AppDeps): ServiceLimits => ({ ...DEFAULT_SERVICE_LIMITS, ...(deps.config.serviceLimitsFen ?? {}) });
