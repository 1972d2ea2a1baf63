import type { Db } from '../../adapters/db/tx.ts';
import type { DomainError } from '../../core/errors.ts';
import { ok, type Result } from '../../core/result.ts';
import type { Actor } from '../context.ts';
import { requireStaff, SERVICE_READ_ROLES } from './staff.ts';
import { serviceDb, type ApprovalRow } from './tables.ts';

/** Approval requests, oldest first (the queue a supervisor works through), by status and customer. */
export async function listApprovals(db: Db, actor: Actor, f: { status?: ApprovalRow['status']; customerId?: string; limit?: number }): Promise<Result<ApprovalRow[], DomainError>> {
  const staff = requireStaff(actor, SERVICE_READ_ROLES);
  if (!staff.ok) return staff;
  let q = serviceDb(db).selectFrom('service_approvals').selectAll();
  if (f.status) q = q.where('status', '=', f.status);
  if (f.customerId) q = q.where('customer_id', '=', f.customerId);
  return ok(await q.orderBy('created_at').orderBy('id').limit(Math.min(Math.max(f.limit ?? 50, 1), 200)).execute());
}
