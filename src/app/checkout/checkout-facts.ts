import { sql } from 'kysely';
import { domainError, type DomainError } from '../../core/errors.ts';
import { err, invariant, ok, type Result } from '../../core/result.ts';
import type { PartnerForRouting } from '../../core/partners/routing.ts';
import { lockCustomers, type CreditLineRow } from '../../adapters/db/plan-store.ts';
import { findOrCreateCustomers, type CustomerRef } from '../customers/find-or-create-customer.ts';
import { loadPartners, toRouting } from '../partners/partner-store.ts';
import type { ProductRow } from './product-terms.ts';
import type { CreatePlanInput } from './create-plan.ts';
import type { TxContext } from '../context.ts';

export interface CustomerProfile { due_day: number; statement_day: number; status: 'active' | 'cancelled'; created_at: Date }

/** What checkout knows of a customer: the credit line (locked; absent once the account is cancelled), profile and overdue count. */
export interface CheckoutCustomer { ref: CustomerRef; line: CreditLineRow | undefined; profile: CustomerProfile; overdueInstallments: number }

/**
 * Everything checkout decides on, read for a whole list of orders with one statement per
 * kind of fact whatever the list's length: the products offered, the customers (found or
 * created, their credit lines locked in one global order, then their profiles and overdue
 * counts read under that lock), the partners, and which merchant order ids already have a plan.
 */
export interface CheckoutFacts {
  /** By offerKey: the product's active version, or why the merchant cannot sell it. */
  products: Map<string, Result<ProductRow, DomainError>>;
  /** By phone, for every order whose product is offered. */
  customers: Map<string, CheckoutCustomer>;
  partners: PartnerForRouting[];
  /** orderKey of the orders that already have a plan. */
  takenOrders: Set<string>;
}

export const offerKey = (i: Pick<CreatePlanInput, 'merchantId' | 'productId'>) => `${i.merchantId}/${i.productId}`;
export const orderKey = (merchantId: string, merchantOrderId: string) => JSON.stringify([merchantId, merchantOrderId]);

export async function readCheckoutFacts(ctx: Omit<TxContext, 'actor'>, inputs: readonly CreatePlanInput[]): Promise<CheckoutFacts> {
  const products = await offeredProducts(ctx, inputs);
  // A customer is looked up (or created) only for an order whose product is offered, as the one-order path always did.
  const phones = [...new Set(inputs.filter((i) => products.get(offerKey(i))!.ok).map((i) => i.phone))];
  const refs = await findOrCreateCustomers(ctx, phones);
  const customerIds = [...new Set([...refs.values()].map((r) => r.customerId))];
  const lines = new Map((await lockCustomers(ctx.tx, customerIds)).map((l) => [l.customer_id, l]));
  const profiles = await profilesUnderLock(ctx, customerIds);
  const customers = new Map<string, CheckoutCustomer>();
  for (const [phone, ref] of refs) {
    const p = profiles.get(ref.customerId);
    invariant(p !== undefined, 'a customer found by phone has a customer row');
    customers.set(phone, { ref, line: lines.get(ref.customerId), profile: p.profile, overdueInstallments: p.overdue });
  }
  const partners = phones.length > 0 ? (await loadPartners(ctx.tx)).map(toRouting) : [];
  return { products, customers, partners, takenOrders: phones.length > 0 ? await takenOrders(ctx, inputs) : new Set() };
}

/** Whether each merchant offers each product, and the product's active version, in one read. */
async function offeredProducts(ctx: Omit<TxContext, 'actor'>, inputs: readonly CreatePlanInput[]): Promise<Map<string, Result<ProductRow, DomainError>>> {
  const keys = [...new Set(inputs.map(offerKey))];
  const pairs = keys.map((key, k) => { const i = inputs.find((x) => offerKey(x) === key)!; return { k, merchant_id: i.merchantId, product_id: i.productId }; });
  const rows = await sql<ProductRow & { k: number; offered: boolean }>`
    select v.k, (mp.product_id is not null) as offered, p.*
    from jsonb_to_recordset(${JSON.stringify(pairs)}::jsonb) as v(k int, merchant_id uuid, product_id uuid)
    left join merchant_products mp on mp.merchant_id = v.merchant_id and mp.product_id = v.product_id
    left join lateral (select * from products x where x.id = v.product_id and x.status = 'active' order by x.version desc limit 1) p on true`.execute(ctx.tx);
  const found = new Map<string, Result<ProductRow, DomainError>>();
  for (const { k, offered, ...product } of rows.rows) {
    if (!offered) found.set(keys[k]!, err(domainError('product_not_offered', 'this merchant does not offer that product', 'productId')));
    else if (product.id === null) found.set(keys[k]!, err(domainError('product_not_found', 'no active product with that id', 'productId')));
    else found.set(keys[k]!, ok(product as ProductRow));
  }
  return found;
}

/** Profiles and overdue installment counts, read after the credit lines are locked so no repayment moves them meanwhile. */
async function profilesUnderLock(ctx: Omit<TxContext, 'actor'>, customerIds: readonly string[]): Promise<Map<string, { profile: CustomerProfile; overdue: number }>> {
  if (customerIds.length === 0) return new Map();
  const rows = await sql<CustomerProfile & { id: string; overdue: number }>`
    select c.id, c.due_day, c.statement_day, c.status, c.created_at,
      (select count(*)::int from installments i join plans p on p.customer_id = i.customer_id and p.id = i.plan_id
       where i.customer_id = c.id and i.settled_on is null and p.status = 'active'
         and i.due_date + p.grace_days < ${ctx.businessDate}::date) as overdue
    from customers c where c.id = any(${customerIds}::uuid[])`.execute(ctx.tx);
  return new Map(rows.rows.map(({ id, overdue, ...profile }) => [id, { profile, overdue }]));
}

async function takenOrders(ctx: Omit<TxContext, 'actor'>, inputs: readonly CreatePlanInput[]): Promise<Set<string>> {
  const orders = inputs.map((i, k) => ({ k, merchant_id: i.merchantId, merchant_order_id: i.merchantOrderId }));
  const rows = await sql<{ k: number }>`
    select v.k from jsonb_to_recordset(${JSON.stringify(orders)}::jsonb) as v(k int, merchant_id uuid, merchant_order_id text)
    where exists (select 1 from merchant_orders o where o.merchant_id = v.merchant_id and o.merchant_order_id = v.merchant_order_id)`.execute(ctx.tx);
  return new Set(rows.rows.map((r) => orderKey(inputs[r.k]!.merchantId, inputs[r.k]!.merchantOrderId)));
}
