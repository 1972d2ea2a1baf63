import { domainError, type DomainError } from '../../core/errors.ts';
import { checkApprover } from '../../core/service/limits.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { lockCustomer } from '../../adapters/db/plan-store.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import { applyAdjustment, type AdjustmentParams } from './apply-adjustment.ts';
import { requireStaff, SERVICE_ACT_ROLES, serviceLimitsOf } from './staff.ts';
import { recordTicketAction } from './ticket-store.ts';
import { serviceDb, type ApprovalRow } from './tables.ts';

export interface ApprovalDecision { approvalId: string; decision: 'approve' | 'reject'; note?: string }

/**
 * The second pair of eyes. Approving runs the waiver or refund now, in this transaction, and
 * marks the request approved with its result; the pending → approved check under the row
 * lock is what makes the money move once, however many times the button is pressed.
 * Rejecting (or the requester withdrawing) moves nothing and needs a note.
 */
export async function decideApproval(ctx: TxContext, input: ApprovalDecision): Promise<Result<ApprovalRow, DomainError>> {
  const staff = requireStaff(ctx.actor, SERVICE_ACT_ROLES);
  if (!staff.ok) return staff;
  const sdb = serviceDb(ctx.tx);
  const seen = await sdb.selectFrom('service_approvals').select('customer_id').where('id', '=', input.approvalId).executeTakeFirst();
  if (!seen) return err(domainError('approval_not_found', 'no approval request with that id', 'approvalId'));
  // Lock order: the customer first (as every money movement does), then the request.
  await lockCustomer(ctx.tx, seen.customer_id);
  const approval = await sdb.selectFrom('service_approvals').selectAll().where('customer_id', '=', seen.customer_id).where('id', '=', input.approvalId).forUpdate().executeTakeFirstOrThrow();
  if (approval.status !== 'pending') return err(domainError('conflict', `this request was already ${approval.status}`, 'approvalId', { approvalStatus: approval.status }));
  const note = input.note?.trim() || null;
  let result: Record<string, unknown> | null = null;
  if (input.decision === 'approve') {
    const may = checkApprover({ requestedBy: approval.requested_by, approverId: staff.value.id, approverRole: staff.value.role, amount: approval.amount_fen }, serviceLimitsOf(ctx.deps));
    if (!may.ok) return may;
    const done = await applyAdjustment(ctx, approval.customer_id, approval.params as AdjustmentParams, approval.amount_fen, approval.reason);
    if (!done.ok) return done;
    result = { ...done.value };
  } else if (!note) {
    return err(domainError('validation_failed', 'say why the request is rejected', 'note'));
  }
  const status = input.decision === 'approve' ? 'approved' as const : 'rejected' as const;
  const updated = await sdb.updateTable('service_approvals').set({
    status, decided_by: staff.value.id, decided_role: staff.value.role, decided_at: ctx.at, decision_note: note, result: result ? JSON.stringify(result) : null,
  }).where('customer_id', '=', approval.customer_id).where('id', '=', approval.id).returningAll().executeTakeFirstOrThrow();
  const noted = await recordTicketAction(ctx, approval.customer_id, approval.ticket_id ?? undefined, `approval_${status}`, { approvalId: approval.id, ...(result ?? {}) });
  if (!noted.ok) return noted;
  await audit(ctx, `service.approval_${status}`, `approval:${approval.id}`, { customerId: approval.customer_id, kind: approval.kind, amountFen: approval.amount_fen, requestedBy: approval.requested_by, note });
  return ok(updated);
}
