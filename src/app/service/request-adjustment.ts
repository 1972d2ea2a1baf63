import { domainError, type DomainError } from '../../core/errors.ts';
import type { Fen } from '../../core/money/fen.ts';
import { formatYuan } from '../../core/money/parse.ts';
import { decideAdjustment } from '../../core/service/limits.ts';
import { outstandingOf } from '../../core/servicing/installment-state.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import { loadCustomerBook } from '../servicing/customer-book.ts';
import { applyAdjustment, type AdjustmentParams, type AdjustmentResult } from './apply-adjustment.ts';
import { requireStaff, SERVICE_ACT_ROLES, serviceLimitsOf } from './staff.ts';
import { recordTicketAction } from './ticket-store.ts';
import { serviceDb, type ApprovalRow } from './tables.ts';

export interface AdjustmentRequest { customerId: string; amount: Fen; reason: string; params: AdjustmentParams; ticketId?: string }

export type AdjustmentOutcome =
  | { outcome: 'done'; result: AdjustmentResult }
  | { outcome: 'pending_approval'; approval: ApprovalRow; approverRoles: string[] };

/**
 * 减免 / 退款 by an agent: within the actor's own limit (core/service/limits.ts, configured
 * per role) the money moves now; above it, an approval request is stored and nothing moves
 * until a second person approves (decide-approval.ts). The request is checked against the
 * account now, so an agent learns at once that the amount cannot be waived, not a day later.
 */
export async function requestAdjustment(ctx: TxContext, input: AdjustmentRequest): Promise<Result<AdjustmentOutcome, DomainError>> {
  const staff = requireStaff(ctx.actor, SERVICE_ACT_ROLES);
  if (!staff.ok) return staff;
  const reason = input.reason.trim();
  if (reason.length < 4) return err(domainError('validation_failed', 'say why: the reason is kept with the money movement', 'reason'));
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) return err(domainError('amount_invalid', 'the amount must be above 0.00', 'amount'));
  const decision = decideAdjustment(staff.value.role, input.amount, serviceLimitsOf(ctx.deps));
  if (!decision.ok) return decision;
  if (decision.value.kind === 'allowed') {
    const done = await applyAdjustment(ctx, input.customerId, input.params, input.amount, reason);
    if (!done.ok) return done;
    const noted = await recordTicketAction(ctx, input.customerId, input.ticketId, `${input.params.kind}_done`, { ...done.value });
    if (!noted.ok) return noted;
    return ok({ outcome: 'done', result: done.value });
  }
  const possible = await checkPossible(ctx, input);
  if (!possible.ok) return possible;
  const approval: ApprovalRow = {
    customer_id: input.customerId, id: ctx.deps.ids.next(), ticket_id: input.ticketId ?? null, kind: input.params.kind, amount_fen: input.amount,
    params: { ...input.params }, reason, requested_by: staff.value.id, requested_role: staff.value.role, status: 'pending',
    decided_by: null, decided_role: null, decided_at: null, decision_note: null, result: null, created_at: ctx.at,
  };
  await serviceDb(ctx.tx).insertInto('service_approvals').values({ ...approval, params: JSON.stringify(approval.params), result: null }).execute();
  const noted = await recordTicketAction(ctx, input.customerId, input.ticketId, 'approval_requested', { approvalId: approval.id, kind: approval.kind, amountFen: input.amount });
  if (!noted.ok) return noted;
  await audit(ctx, 'service.approval_request', `approval:${approval.id}`, { customerId: input.customerId, kind: approval.kind, amountFen: input.amount, reason });
  return ok({ outcome: 'pending_approval', approval, approverRoles: decision.value.approverRoles });
}

/** The same checks the servicing use case makes when it runs, made now so no one approves the impossible. */
async function checkPossible(ctx: TxContext, input: AdjustmentRequest): Promise<Result<void, DomainError>> {
  const p = input.params;
  const book = await loadCustomerBook(ctx.tx, input.customerId, p.kind === 'waive' ? [p.planId] : []);
  if (!book) return err(domainError('customer_not_found', 'no such customer', 'customerId'));
  if (p.kind === 'refund') {
    return input.amount <= book.line.credit_balance_fen ? ok(undefined)
      : err(domainError('credit_balance_insufficient', `the credit balance is ${formatYuan(book.line.credit_balance_fen)}`, 'amount'));
  }
  const plan = book.plans[0];
  if (!plan || plan.row.status !== 'active') return err(domainError('plan_not_found', 'no open plan with that id for this customer', 'planId'));
  const inst = plan.states.find((i) => i.number === p.installmentNumber);
  if (!inst) return err(domainError('validation_failed', `no installment numbered ${p.installmentNumber}`, 'installmentNumber'));
  const owed = outstandingOf(inst, p.component);
  return input.amount <= owed ? ok(undefined)
    : err(domainError('waiver_invalid', `at most ${formatYuan(owed)} of ${p.component} can be waived on installment ${inst.number}`, 'amount'));
}
