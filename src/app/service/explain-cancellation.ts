import { domainError, type DomainError } from '../../core/errors.ts';
import type { Fen } from '../../core/money/fen.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import { amountsOwed, type PlanOwed } from '../customers/amounts-owed.ts';
import { requireStaff, SERVICE_ACT_ROLES } from './staff.ts';
import { recordTicketAction } from './ticket-store.ts';

export interface CancellationAnswer { cancellable: boolean; owedFen: Fen; creditBalanceFen: Fen; plans: PlanOwed[]; alreadyCancelled: boolean }

/**
 * 注销 on the phone: what stands between the customer and cancelling, with the same figures
 * the portal's cancel refuses with (amounts-owed.ts). The cancellation itself is the
 * customer's own act in the portal, after a fresh one-time code (cancel-account.ts): it
 * erases their phone number, and an agent cannot be sure enough who is on the line to do that.
 */
export async function explainCancellation(ctx: TxContext, input: { customerId: string; ticketId?: string }): Promise<Result<CancellationAnswer, DomainError>> {
  const staff = requireStaff(ctx.actor, SERVICE_ACT_ROLES);
  if (!staff.ok) return staff;
  const customer = await ctx.tx.selectFrom('customers').select('status').where('id', '=', input.customerId).executeTakeFirst();
  const line = await ctx.tx.selectFrom('credit_lines').select('credit_balance_fen').where('customer_id', '=', input.customerId).executeTakeFirst();
  if (!customer || !line) return err(domainError('customer_not_found', 'no customer with that id', 'customerId'));
  const plans = await amountsOwed(ctx.tx, input.customerId);
  const owedFen = plans.reduce((s, p) => s + p.owedFen, 0);
  const answer: CancellationAnswer = {
    cancellable: customer.status === 'active' && owedFen === 0 && line.credit_balance_fen === 0,
    owedFen, creditBalanceFen: line.credit_balance_fen, plans, alreadyCancelled: customer.status === 'cancelled',
  };
  const noted = await recordTicketAction(ctx, input.customerId, input.ticketId, 'cancellation_explained', { ...answer, plans: plans.length });
  if (!noted.ok) return noted;
  await audit(ctx, 'service.explain_cancellation', `customer:${input.customerId}`, { cancellable: answer.cancellable, owedFen, creditBalanceFen: line.credit_balance_fen });
  return ok(answer);
}
