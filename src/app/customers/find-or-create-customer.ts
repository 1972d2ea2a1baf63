import { sql } from 'kysely';
import { maskPhone } from '../../core/privacy/mask.ts';
import { phoneHash } from '../secrets.ts';
import type { TxContext } from '../context.ts';

export interface CustomerRef { customerId: string; created: boolean }

export async function findCustomerIdByPhone(ctx: Pick<TxContext, 'tx' | 'deps'>, phone: string): Promise<string | undefined> {
  return (await findCustomerIdsByPhone(ctx, [phone])).get(phone);
}

/** The customers behind a list of phones, in one read: phone → customer id (unknown phones are absent). */
export async function findCustomerIdsByPhone(ctx: Pick<TxContext, 'tx' | 'deps'>, phones: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (phones.length === 0) return found;
  const byHash = new Map(phones.map((p) => [phoneHash(ctx.deps.secret, p), p]));
  const rows = await ctx.tx.selectFrom('customer_phones').select(['phone_hash', 'customer_id'])
    .where('phone_hash', 'in', [...byHash.keys()]).execute();
  for (const r of rows) found.set(byHash.get(r.phone_hash)!, r.customer_id);
  return found;
}

/**
 * A merchant's checkout identifies the customer by phone. A new phone becomes a new customer
 * with the deployment's default statement day, due day and credit line. The phone lookup row
 * is inserted with ON CONFLICT so two first checkouts racing for one phone make one customer.
 */
export async function findOrCreateCustomer(ctx: TxContext, phone: string): Promise<CustomerRef> {
  return (await findOrCreateCustomers(ctx, [phone])).get(phone)!;
}

/**
 * findOrCreateCustomer for a list of phones, with one statement per step whatever the list's
 * length: look the phones up, claim the new ones (ON CONFLICT: a phone another transaction
 * claimed first is read back, as its customer), then write the new customers and their
 * credit lines together. New customer ids are drawn in the list's order.
 */
export async function findOrCreateCustomers(ctx: Pick<TxContext, 'tx' | 'deps' | 'at'>, phones: readonly string[]): Promise<Map<string, CustomerRef>> {
  const refs = new Map<string, CustomerRef>();
  const existing = await findCustomerIdsByPhone(ctx, phones);
  for (const [phone, customerId] of existing) refs.set(phone, { customerId, created: false });
  const fresh = [...new Set(phones)].filter((p) => !existing.has(p)).map((phone) => ({ phone, hash: phoneHash(ctx.deps.secret, phone), customerId: ctx.deps.ids.next() }));
  if (fresh.length === 0) return refs;
  // Claimed in hash order: two checkouts claiming the same new phones queue on the first, never deadlock.
  const byHash = [...fresh].sort((a, b) => (a.hash < b.hash ? -1 : 1));
  const claimed = await ctx.tx.insertInto('customer_phones').values(byHash.map((f) => ({ phone_hash: f.hash, customer_id: f.customerId })))
    .onConflict((oc) => oc.column('phone_hash').doNothing()).returning('phone_hash').execute();
  const won = new Set(claimed.map((c) => c.phone_hash));
  const lost = fresh.filter((f) => !won.has(f.hash));
  for (const [phone, customerId] of await findCustomerIdsByPhone(ctx, lost.map((f) => f.phone))) refs.set(phone, { customerId, created: false });
  const created = fresh.filter((f) => won.has(f.hash));
  if (created.length === 0) return refs;
  const { statementDay, dueDay, defaultCreditLineFen } = ctx.deps.config;
  const rows = created.map((f) => [f.customerId, f.phone, maskPhone(f.phone)]);
  // One statement: the credit lines' foreign key to their customer is checked when it ends.
  await sql`
    with customer as (
      insert into customers (id, phone, phone_masked, statement_day, due_day, status, created_at, cancelled_at)
      select (c->>0)::uuid, c->>1, c->>2, ${statementDay}::int, ${dueDay}::int, 'active', ${ctx.at}::timestamptz, null::timestamptz
      from jsonb_array_elements(${JSON.stringify(rows)}::jsonb) as c returning id
    )
    insert into credit_lines (customer_id, limit_fen, frozen_reason, updated_at)
    select id, ${defaultCreditLineFen}::bigint, null::text, ${ctx.at}::timestamptz from customer`.execute(ctx.tx);
  for (const f of created) refs.set(f.phone, { customerId: f.customerId, created: true });
  return refs;
}
