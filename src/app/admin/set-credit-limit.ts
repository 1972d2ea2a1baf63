import { lockCustomer } from '../../adapters/db/plan-store.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import type { Fen } from '../../core/money/fen.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { audit } from '../audit.ts';
import { enqueueNotice } from '../notices/enqueue-notice.ts';
import type { TxContext } from '../context.ts';
import type { CreditLineRow } from './get-credit-line.ts';

export interface SetCreditLimitInput { customerId: string; limitFen: Fen; reason?: string }

/**
 * Sets a customer's credit limit (额度). A limit below what is already in use is allowed —
 * lowering a risky customer's line must not wait for them to repay — and then checkout is
 * refused as credit_line_insufficient until repaid principal brings use under the limit.
 * Nothing already lent changes. Takes the customer lock, as every write to a line does.
 */
export async function setCreditLimit(ctx: TxContext, input: SetCreditLimitInput): Promise<Result<CreditLineRow, DomainError>> {
  const line = await lockCustomer(ctx.tx, input.customerId);
  if (!line) return err(domainError('customer_not_found', 'no customer with that id', 'customerId'));
  const customer = await ctx.tx.selectFrom('customers').select('status').where('id', '=', input.customerId).executeTakeFirstOrThrow();
  if (customer.status !== 'active') return err(domainError('account_cancelled', 'this customer account is cancelled', 'customerId'));
  const updated = await ctx.tx.updateTable('credit_lines').set({ limit_fen: input.limitFen, updated_at: ctx.at })
    .where('customer_id', '=', input.customerId).returningAll().executeTakeFirstOrThrow();
  if (line.limit_fen !== input.limitFen) {
    // The customer hears of a new limit from us (额度调整通知), in the same transaction as the change.
    const told = await enqueueNotice(ctx, {
      kind: 'credit_line_changed', customerId: input.customerId, businessDate: ctx.businessDate, ref: `credit-limit:${ctx.deps.ids.next()}`,
      facts: { oldLimitFen: Number(line.limit_fen), newLimitFen: input.limitFen },
    });
    if (!told.ok) return told;
  }
  await audit(ctx, 'credit_line.set_limit', `customer:${input.customerId}`, {
    beforeFen: line.limit_fen, afterFen: input.limitFen, usedFen: line.used_fen, reason: input.reason ?? null,
  });
  return ok(updated);
}
