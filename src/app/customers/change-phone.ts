import { domainError, type DomainError } from '../../core/errors.ts';
import { err, type Result } from '../../core/result.ts';
import { maskPhone } from '../../core/privacy/mask.ts';
import { lockCustomer } from '../../adapters/db/plan-store.ts';
import { audit } from '../audit.ts';
import { phoneHash } from '../secrets.ts';
import type { Notification } from '../ports.ts';
import type { TxContext } from '../context.ts';
import { loadAccountHolder, requireRecentReauth } from './account-holder.ts';
import { consumeOtp, refused, verified, type Verified } from './otp-codes.ts';

export interface ChangePhoneInput { customerId: string; tokenHash: string; newPhone: string; code: string }
export interface PhoneChanged { phoneMasked: string; notice: Notification }

/**
 * Step two of changing the phone (POST /v1/me/account/phone). The customer's row is locked
 * first, as every write for a customer does, so a change cannot interleave with a checkout or
 * the account's cancellation. The lookup row moves to the new phone's hash; the primary key
 * on that hash decides a race between two customers for one phone. Every other session ends:
 * whoever else was signed in was signed in under the old number.
 */
export async function changePhone(ctx: TxContext, input: ChangePhoneInput): Promise<Result<Verified<PhoneChanged>, DomainError>> {
  const fresh = await requireRecentReauth(ctx, input.tokenHash);
  if (!fresh.ok) return fresh;
  await lockCustomer(ctx.tx, input.customerId);
  const holder = await loadAccountHolder(ctx, input.customerId);
  if (!holder.ok) return holder;
  const oldPhone = holder.value.phone;
  if (oldPhone === input.newPhone) return err(domainError('validation_failed', 'that is already your phone number', 'newPhone'));
  const rejected = await consumeOtp(ctx, { phone: input.newPhone, purpose: 'phone_change', binding: input.customerId }, input.code);
  if (rejected) return refused(rejected);

  const claimed = await ctx.tx.insertInto('customer_phones').values({ phone_hash: phoneHash(ctx.deps.secret, input.newPhone), customer_id: input.customerId })
    .onConflict((oc) => oc.column('phone_hash').doNothing()).returning('customer_id').executeTakeFirst();
  if (!claimed) return refused(domainError('phone_in_use', 'this phone number belongs to another account', 'newPhone'));
  await ctx.tx.deleteFrom('customer_phones').where('phone_hash', '=', phoneHash(ctx.deps.secret, oldPhone)).execute();
  await ctx.tx.updateTable('customers').set({ phone: input.newPhone, phone_masked: maskPhone(input.newPhone) }).where('id', '=', input.customerId).execute();
  await ctx.tx.updateTable('sessions').set({ revoked_at: ctx.at })
    .where('customer_id', '=', input.customerId).where('token_hash', '!=', input.tokenHash).where('revoked_at', 'is', null).execute();
  await audit(ctx, 'customer.phone_change', `customer:${input.customerId}`, { from: maskPhone(oldPhone), to: maskPhone(input.newPhone) });
  // The old number hears about it: if this was not its owner, they learn at once.
  const notice: Notification = { channel: 'sms', to: oldPhone, template: 'account.phone_changed', locale: 'zh-CN', params: { newPhone: maskPhone(input.newPhone) } };
  return verified({ phoneMasked: maskPhone(input.newPhone), notice });
}
