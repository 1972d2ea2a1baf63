import type { DomainError } from '../../core/errors.ts';
import { maskPhone } from '../../core/privacy/mask.ts';
import { ok, type Result } from '../../core/result.ts';
import { audit } from '../audit.ts';
import { findCustomerIdByPhone } from '../customers/find-or-create-customer.ts';
import type { TxContext } from '../context.ts';
import { customerSummary, type CustomerSummary } from './find-customers.ts';

/**
 * Finds a customer by phone number through the keyed phone hash (the number itself is
 * never a search key). A lookup is a look at personal data, so it is audited, with the
 * number masked, whether or not it finds anyone: "nobody" is a value here, not an error,
 * because an error would roll the audit record back and hide someone probing numbers.
 */
export async function lookupCustomer(ctx: TxContext, phone: string): Promise<Result<CustomerSummary | null, DomainError>> {
  const customerId = await findCustomerIdByPhone(ctx, phone);
  await audit(ctx, 'customer.lookup', customerId ? `customer:${customerId}` : null, { phone: maskPhone(phone), found: Boolean(customerId) });
  if (!customerId) return ok(null);
  return customerSummary(ctx.tx, customerId, ctx.businessDate);
}
