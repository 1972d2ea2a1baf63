import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { isRecentReauth, REAUTH_WINDOW_MS } from '../../core/auth/otp.ts';
import type { TxContext } from '../context.ts';

export interface AccountView {
  customerId: string;
  /** Masked (138****1234): the full number never goes back out, not even to its owner's session. */
  phone: string | null;
  status: 'active' | 'cancelled';
  createdAt: Date;
  statementDay: number;
  dueDay: number;
  /** Until when this session may do sensitive actions without a new code; null when it must re-authenticate. */
  reauthenticatedUntil: Date | null;
}

/** The signed-in customer's account (GET /v1/me/account). */
export async function getAccount(ctx: TxContext, input: { customerId: string; tokenHash: string }): Promise<Result<AccountView, DomainError>> {
  const c = await ctx.tx.selectFrom('customers').select(['id', 'phone_masked', 'status', 'created_at', 'statement_day', 'due_day'])
    .where('id', '=', input.customerId).executeTakeFirst();
  if (!c) return err(domainError('customer_not_found', 'no such customer'));
  const session = await ctx.tx.selectFrom('sessions').select('reauthenticated_at').where('token_hash', '=', input.tokenHash).executeTakeFirst();
  const reauthAt = session?.reauthenticated_at ?? null;
  return ok({
    customerId: c.id, phone: c.phone_masked, status: c.status, createdAt: c.created_at, statementDay: c.statement_day, dueDay: c.due_day,
    reauthenticatedUntil: reauthAt && isRecentReauth(reauthAt, ctx.at) ? new Date(reauthAt.getTime() + REAUTH_WINDOW_MS) : null,
  });
}
