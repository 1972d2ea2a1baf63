import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { displayYuan, formatYuan } from '../../core/money/parse.ts';
import { lockCustomer } from '../../adapters/db/plan-store.ts';
import { audit } from '../audit.ts';
import { phoneHash } from '../secrets.ts';
import type { Notification } from '../ports.ts';
import type { TxContext } from '../context.ts';
import { loadAccountHolder, requireRecentReauth } from './account-holder.ts';
import { amountsOwed, type PlanOwed } from './amounts-owed.ts';
import { revokeAllSessions } from './sessions.ts';
import { eraseNoticeData } from '../notices/erase-notice-data.ts';

export interface AccountCancelled { cancelledAt: Date; notice: Notification }

/**
 * Account cancellation (注销, POST /v1/me/account/cancel). Allowed only when nothing is owed
 * on open plans and there is no credit balance to give back: both need a way to reach the
 * customer, which cancelling takes away.
 *
 * What is erased and what is kept. PIPL art. 47 requires deleting personal information once
 * the account is closed — unless a law sets a retention period, in which case the data may
 * only be stored and protected, not used. So:
 *  - erased: the phone number (customers.phone and its masked copy), the phone lookup row
 *    (so the number is free: a later checkout with it makes a NEW customer), the one-time
 *    codes sent to it (with the IPs they came from); every session is revoked.
 *  - kept: the customer id, its dates and statement/due days, the credit line row (frozen),
 *    plans, installments, repayments, allocations and the journal. They hold ids and amounts,
 *    no personal data, and accounting records must be retained (会计档案管理办法: 30 years
 *    for books and vouchers); the ledger check must keep passing over them. The audit log
 *    (append-only; phones in it were masked when written) is kept as the security record.
 * A deployment that must keep identity data for AML purposes should archive the number in
 * restricted storage before this runs; Fenqi itself keeps none.
 */
export async function cancelAccount(ctx: TxContext, input: { customerId: string; tokenHash: string }): Promise<Result<AccountCancelled, DomainError>> {
  const fresh = await requireRecentReauth(ctx, input.tokenHash);
  if (!fresh.ok) return fresh;
  const line = await lockCustomer(ctx.tx, input.customerId);
  const holder = await loadAccountHolder(ctx, input.customerId);
  if (!holder.ok) return holder;
  const owed = await amountsOwed(ctx.tx, input.customerId);
  const creditBalanceFen = line?.credit_balance_fen ?? 0;
  if (owed.length > 0 || creditBalanceFen > 0) return err(balanceError(owed, creditBalanceFen));

  const phone = holder.value.phone;
  await ctx.tx.updateTable('customers').set({ status: 'cancelled', cancelled_at: ctx.at, phone: null, phone_masked: null }).where('id', '=', input.customerId).execute();
  await ctx.tx.deleteFrom('customer_phones').where('customer_id', '=', input.customerId).execute();
  await ctx.tx.deleteFrom('otp_codes').where('phone_hash', '=', phoneHash(ctx.deps.secret, phone)).execute();
  // Frozen as a second lock behind the status check: no plan can ever be opened on this line again.
  await ctx.tx.updateTable('credit_lines').set({ frozen: true, frozen_reason: 'account cancelled', updated_at: ctx.at }).where('customer_id', '=', input.customerId).execute();
  await revokeAllSessions(ctx, input.customerId);
  await eraseNoticeData(ctx.tx, input.customerId, ctx.at);
  await audit(ctx, 'customer.cancel', `customer:${input.customerId}`);
  // The confirmation goes to the number one last time (a hijacked session closing the account must not go unnoticed); it is not stored.
  const notice: Notification = { channel: 'sms', to: phone, template: 'account.cancelled', locale: 'zh-CN', params: {} };
  return ok({ cancelledAt: ctx.at, notice });
}

function balanceError(owed: PlanOwed[], creditBalanceFen: number): DomainError {
  const owedFen = owed.reduce((s, p) => s + p.owedFen, 0);
  const reasons: string[] = [];
  if (owedFen > 0) reasons.push(`you still owe ${displayYuan(owedFen)} on ${owed.length} ${owed.length === 1 ? 'plan' : 'plans'}; repay or pay off first`);
  if (creditBalanceFen > 0) reasons.push(`you have a credit balance of ${displayYuan(creditBalanceFen)}; request its refund first`);
  return domainError('account_has_balance', `the account cannot be cancelled yet: ${reasons.join('; and ')}`, undefined, {
    owed: formatYuan(owedFen), creditBalance: formatYuan(creditBalanceFen),
    plans: owed.map((p) => ({ planId: p.planId, owed: formatYuan(p.owedFen) })),
  });
}
