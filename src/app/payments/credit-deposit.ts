import { sql } from 'kysely';
import { journal } from '../../core/ledger/journal.ts';
import type { Fen } from '../../core/money/fen.ts';
import { postJournal } from '../../adapters/db/ledger-store.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import { sourceAccount } from '../servicing/repayment-entry.ts';
import type { GatewayName } from '../../core/payments/payment-status.ts';

/**
 * Money arrived for something no longer owed (paid meanwhile by another channel, a plan
 * returned): it is the customer's, so it goes to the credit balance (溢缴款), refundable,
 * as a repayment row with nothing applied. Never dropped, never an error.
 */
export async function depositToCreditBalance(ctx: TxContext, customerId: string, amount: Fen, channel: GatewayName, externalRef: string): Promise<string> {
  const id = ctx.deps.ids.next();
  await ctx.tx.insertInto('repayments').values({
    customer_id: customerId, id, plan_id: null, kind: 'amount', amount_fen: amount, applied_fen: 0, to_credit_balance_fen: amount,
    charges_fen: 0, channel, external_ref: externalRef, status: 'posted', business_date: ctx.businessDate, created_at: ctx.at,
    reversed_at: null, reversal_reason: null,
  }).execute();
  await ctx.tx.updateTable('credit_lines').set({ credit_balance_fen: sql`credit_balance_fen + ${amount}`, updated_at: ctx.at })
    .where('customer_id', '=', customerId).execute();
  await postJournal(ctx.tx, { customerId, businessDate: ctx.businessDate, at: ctx.at, ids: ctx.deps.ids },
    journal('repayment', id, [{ debit: sourceAccount(channel), credit: 'customer.credit_balance', amount }]));
  await audit(ctx, 'repayment.post', `repayment:${id}`, { kind: 'credit_balance_deposit', amountFen: amount, channel });
  return id;
}
