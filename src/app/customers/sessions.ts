import { hashToken, newToken, SESSION_PREFIX } from '../../adapters/http/auth.ts';
import type { TxContext } from '../context.ts';

/** A customer session lasts 30 days of inactivity at most; login always issues a new token (rotation). */
export const SESSION_TTL_MS = 30 * 24 * 3_600_000;

export interface StartedSession { token: string; expiresAt: Date }

/** Issues a new session token for a customer; only its hash is stored. */
export async function startSession(ctx: Pick<TxContext, 'tx' | 'at'>, customerId: string): Promise<StartedSession> {
  const token = newToken(SESSION_PREFIX);
  const expiresAt = new Date(ctx.at.getTime() + SESSION_TTL_MS);
  await ctx.tx.insertInto('sessions').values({
    token_hash: hashToken(token), customer_id: customerId, created_at: ctx.at, expires_at: expiresAt, reauthenticated_at: ctx.at, revoked_at: null,
  }).execute();
  return { token, expiresAt };
}

/** Ends every session of a customer (logout everywhere, phone change, account cancellation). */
export async function revokeAllSessions(ctx: Pick<TxContext, 'tx' | 'at'>, customerId: string): Promise<void> {
  await ctx.tx.updateTable('sessions').set({ revoked_at: ctx.at }).where('customer_id', '=', customerId).where('revoked_at', 'is', null).execute();
}
