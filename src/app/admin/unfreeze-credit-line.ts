import { lockCustomer } from '../../adapters/db/plan-store.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import type { CreditLineRow } from './get-credit-line.ts';
import type { FreezeInput } from './freeze-credit-line.ts';

/** Lifts a freeze; the reason for lifting it goes to the audit log beside the freeze's own. */
export async function unfreezeCreditLine(ctx: TxContext, input: FreezeInput): Promise<Result<CreditLineRow, DomainError>> {
  const line = await lockCustomer(ctx.tx, input.customerId);
  if (!line) return err(domainError('customer_not_found', 'no customer with that id', 'customerId'));
  if (!line.frozen) return err(domainError('conflict', 'the credit line is not frozen', 'customerId'));
  const updated = await ctx.tx.updateTable('credit_lines').set({ frozen: false, frozen_reason: null, updated_at: ctx.at })
    .where('customer_id', '=', input.customerId).returningAll().executeTakeFirstOrThrow();
  await audit(ctx, 'credit_line.unfreeze', `customer:${input.customerId}`, { reason: input.reason, frozenFor: line.frozen_reason });
  return ok(updated);
}
