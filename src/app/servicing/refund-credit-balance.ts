import { sql } from 'kysely';
import { domainError, type DomainError } from '../../core/errors.ts';
import { journal } from '../../core/ledger/journal.ts';
import type { Fen } from '../../core/money/fen.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { formatYuan } from '../../core/money/parse.ts';
import { lockCustomer } from '../../adapters/db/plan-store.ts';
import { postJournal } from '../../adapters/db/ledger-store.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import { sourceAccount } from './repayment-entry.ts';

export interface RefundCreditBalanceInput { customerId: string; amount?: Fen; channel: 'sandbox' | 'manual' }
export interface RefundedCreditBalance { refundId: string; amount: Fen; channel: string; status: 'succeeded' | 'manual' }

/**
 * 溢缴款退回: pays a credit balance back to the customer. The sandbox channel pays out at once;
 * a channel that cannot take refunds becomes a recorded manual payout for finance.
 */
export async function refundCreditBalance(ctx: TxContext, input: RefundCreditBalanceInput): Promise<Result<RefundedCreditBalance, DomainError>> {
  const line = await lockCustomer(ctx.tx, input.customerId);
  if (!line) return err(domainError('customer_not_found', 'no such customer'));
  const amount = input.amount ?? line.credit_balance_fen;
  if (amount <= 0 || amount > line.credit_balance_fen) {
    return err(domainError('credit_balance_insufficient', `the credit balance is ${formatYuan(line.credit_balance_fen)}`, 'amount'));
  }
  const refundId = ctx.deps.ids.next();
  const status = input.channel === 'sandbox' ? 'succeeded' as const : 'manual' as const;
  await ctx.tx.updateTable('credit_lines').set({ credit_balance_fen: sql`credit_balance_fen - ${amount}`, updated_at: ctx.at })
    .where('customer_id', '=', input.customerId).execute();
  await ctx.tx.insertInto('refunds').values({
    customer_id: input.customerId, id: refundId, kind: 'credit_balance', plan_id: null, amount_fen: amount, channel: input.channel, status,
    external_ref: status === 'succeeded' ? `sbx_refund_${refundId}` : null, business_date: ctx.businessDate, created_at: ctx.at,
  }).execute();
  await postJournal(ctx.tx, { customerId: input.customerId, businessDate: ctx.businessDate, at: ctx.at, ids: ctx.deps.ids },
    journal('credit_balance.refund', refundId, [{ debit: 'customer.credit_balance', credit: sourceAccount(input.channel), amount }]));
  await audit(ctx, 'credit_balance.refund', `refund:${refundId}`, { amountFen: amount, channel: input.channel });
  return ok({ refundId, amount, channel: input.channel, status });
}
