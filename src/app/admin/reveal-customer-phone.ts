import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { audit } from '../audit.ts';
import type { Actor, TxContext } from '../context.ts';

export const REVEAL_ROLES = ['admin', 'supervisor'] as const;

const mayReveal = (actor: Actor) => actor.kind === 'system' || (actor.kind === 'staff' && (REVEAL_ROLES as readonly string[]).includes(actor.role ?? ''));

/**
 * Shows a customer's full phone number (PIPL: minimum necessary access). Only an admin or
 * supervisor may, and only with a reason, which the audit log keeps beside who asked —
 * the number itself never goes into the log.
 */
export async function revealCustomerPhone(ctx: TxContext, input: { customerId: string; reason: string }): Promise<Result<{ customerId: string; phone: string }, DomainError>> {
  if (!mayReveal(ctx.actor)) return err(domainError('forbidden', 'only an admin or supervisor may reveal a phone number'));
  if (input.reason.trim().length < 4) return err(domainError('validation_failed', 'say why the full number is needed', 'reason'));
  const customer = await ctx.tx.selectFrom('customers').select(['phone', 'status']).where('id', '=', input.customerId).executeTakeFirst();
  if (!customer) return err(domainError('customer_not_found', 'no customer with that id', 'customerId'));
  if (!customer.phone) return err(domainError('customer_data_erased', "this customer's personal data was erased at account cancellation", 'customerId'));
  await audit(ctx, 'customer.reveal_phone', `customer:${input.customerId}`, { reason: input.reason.trim() });
  return ok({ customerId: input.customerId, phone: customer.phone });
}
