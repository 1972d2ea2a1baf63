import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { customerSummary, type CustomerSummary } from '../admin/find-customers.ts';
import { lookupCustomer } from '../admin/lookup-customer.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import { requireStaff, SERVICE_READ_ROLES } from './staff.ts';

export type FindCustomerInput = { phone: string } | { planId: string };

/**
 * 查找客户: by phone (through the keyed phone hash, audited with the number masked, by the
 * admin lookup) or by a plan id read out by the customer. "Nobody" is a value, not an error,
 * so the audit record of a miss commits too. Phones come back masked.
 */
export async function findCustomer(ctx: TxContext, input: FindCustomerInput): Promise<Result<CustomerSummary | null, DomainError>> {
  const staff = requireStaff(ctx.actor, SERVICE_READ_ROLES);
  if (!staff.ok) return staff;
  if ('phone' in input) return lookupCustomer(ctx, input.phone);
  const plan = await ctx.tx.selectFrom('plans').select('customer_id').where('id', '=', input.planId).executeTakeFirst();
  await audit(ctx, 'customer.lookup', plan ? `customer:${plan.customer_id}` : null, { planId: input.planId, found: Boolean(plan) });
  if (!plan) return ok(null);
  return customerSummary(ctx.tx, plan.customer_id, ctx.businessDate);
}

/** The HTTP answer for "nobody": a 404 once the audit record is safely committed. */
export const noCustomerFound = (input: FindCustomerInput) =>
  err(domainError('customer_not_found', 'phone' in input ? 'no customer with that phone number' : 'no plan with that id', 'phone' in input ? 'phone' : 'planId'));
