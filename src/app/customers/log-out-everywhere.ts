import { ok, type Result } from '../../core/result.ts';
import type { DomainError } from '../../core/errors.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import { revokeAllSessions } from './sessions.ts';

/** Ends every session of the customer (POST /v1/auth/logout-all), e.g. after losing a phone. */
export async function logOutEverywhere(ctx: TxContext, input: { customerId: string }): Promise<Result<void, DomainError>> {
  await revokeAllSessions(ctx, input.customerId);
  await audit(ctx, 'customer.logout_all', `customer:${input.customerId}`);
  return ok(undefined);
}
