import { maskPhone } from '../../core/privacy/mask.ts';
import { phoneHash } from '../secrets.ts';
import type { TxContext } from '../context.ts';

export interface CustomerRef { customerId: string; created: boolean }

export async function findCustomerIdByPhone(ctx: Pick<TxContext, 'tx' | 'deps'>, phone: string): Promise<string | undefined> {
  const row = await ctx.tx.selectFrom('customer_phones').select('customer_id')
    .where('phone_hash', '=', phoneHash(ctx.deps.secret, phone)).executeTakeFirst();
  return row?.customer_id;
}

/**
 * A merchant's checkout identifies the customer by phone. A new phone becomes a new customer
 * with the deployment's default statement day, due day and credit line. The phone lookup row
 * is inserted with ON CONFLICT so two first checkouts racing for one phone make one customer.
 */
export async function findOrCreateCustomer(ctx: TxContext, phone: string): Promise<CustomerRef> {
  const existing = await findCustomerIdByPhone(ctx, phone);
  if (existing) return { customerId: existing, created: false };
  const customerId = ctx.deps.ids.next();
  const claimed = await ctx.tx.insertInto('customer_phones').values({ phone_hash: phoneHash(ctx.deps.secret, phone), customer_id: customerId })
    .onConflict((oc) => oc.column('phone_hash').doNothing()).returning('customer_id').executeTakeFirst();
  if (!claimed) return { customerId: (await findCustomerIdByPhone(ctx, phone))!, created: false };
  const { statementDay, dueDay, defaultCreditLineFen } = ctx.deps.config;
  await ctx.tx.insertInto('customers').values({
    id: customerId, phone, phone_masked: maskPhone(phone), statement_day: statementDay, due_day: dueDay,
    status: 'active', created_at: ctx.at, cancelled_at: null,
  }).execute();
  await ctx.tx.insertInto('credit_lines').values({ customer_id: customerId, limit_fen: defaultCreditLineFen, frozen_reason: null, updated_at: ctx.at }).execute();
  return { customerId, created: true };
}
