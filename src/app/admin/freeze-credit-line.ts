import { lockCustomer } from '../../adapters/db/plan-store.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import type { CreditLineRow } from './get-credit-line.ts';

export interface FreezeInput { customerId: string; reason: string }

/**
 * Freezes a credit line (冻结额度): new plans are refused (credit_line_frozen) while
 * repayment, returns and payoff go on as before — a freeze must never stop a customer from
 * paying what they owe. The reason is kept on the line and in the audit log.
 */
export async function freezeCreditLine(ctx: TxContext, input: FreezeInput): Promise<Result<CreditLineRow, DomainError>> {
  const line = await lockCustomer(ctx.tx, input.customerId);
  if (!line) return err(domainError('customer_not_found', 'no customer with that id', 'customerId'));
  if (line.frozen) return err(domainError('conflict', `the credit line is already frozen (${line.frozen_reason ?? 'no reason recorded'})`, 'customerId'));
  const updated = await ctx.tx.updateTable('credit_lines').set({ frozen: true, frozen_reason: input.reason, updated_at: ctx.at })
    .where('customer_id', '=', input.customerId).returningAll().executeTakeFirstOrThrow();
  await audit(ctx, 'credit_line.freeze', `customer:${input.customerId}`, { reason: input.reason });
  return ok(updated);
}
