import { domainError, type DomainError } from '../errors.ts';
import type { Fen } from '../money/fen.ts';
import { formatYuan } from '../money/parse.ts';
import { err, ok, type Result } from '../result.ts';

/**
 * How much goodwill money (a waived late charge or fee, a refund) one staff member may give
 * on their own, per action, by role. Roles absent from the table (operator, auditor) give
 * nothing through the service tools. Above one's own limit the action becomes an approval
 * request that someone else, whose own limit covers it, must approve.
 */
export type ServiceLimits = Readonly<Partial<Record<string, Fen>>>;

export const DEFAULT_SERVICE_LIMITS: ServiceLimits = { agent: 5_000, supervisor: 50_000, admin: 500_000 };

export type AdjustmentDecision = { kind: 'allowed' } | { kind: 'needs_approval'; approverRoles: string[] };

export function decideAdjustment(role: string, amount: Fen, limits: ServiceLimits): Result<AdjustmentDecision, DomainError> {
  const own = limits[role];
  if (own === undefined) return err(domainError('forbidden', `the ${role} role cannot waive or refund`));
  if (amount <= own) return ok({ kind: 'allowed' });
  const approverRoles = Object.entries(limits).filter(([, max]) => (max ?? 0) >= amount).map(([r]) => r).sort();
  if (approverRoles.length === 0) {
    return err(domainError('limit_exceeded', `${formatYuan(amount)} is above every role's limit (${formatYuan(Math.max(...Object.values(limits).map((v) => v ?? 0)))})`, 'amount'));
  }
  return ok({ kind: 'needs_approval', approverRoles });
}

export interface ApprovalCheck { requestedBy: string; approverId: string; approverRole: string; amount: Fen }

/** Four eyes: never the requester, and only someone whose own limit covers the amount. */
export function checkApprover(c: ApprovalCheck, limits: ServiceLimits): Result<void, DomainError> {
  if (c.requestedBy === c.approverId) return err(domainError('forbidden', 'an approval must come from someone other than who asked for it'));
  const own = limits[c.approverRole];
  if (own === undefined) return err(domainError('forbidden', `the ${c.approverRole} role cannot approve waivers or refunds`));
  if (c.amount > own) return err(domainError('limit_exceeded', `${formatYuan(c.amount)} is above the ${c.approverRole} limit of ${formatYuan(own)}`, 'amount'));
  return ok(undefined);
}
