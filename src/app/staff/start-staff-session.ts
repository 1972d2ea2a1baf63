import { API_KEY_PREFIX, hashToken, newToken, STAFF_SESSION_PREFIX, type StaffRole } from '../../adapters/http/auth.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';

/** A working day: a session left open in a shared browser does not stay open for long. */
export const STAFF_SESSION_TTL_MS = 12 * 3_600_000;

export type StaffSurface = 'console' | 'dashboard';

export interface StaffSession { token: string; role: StaffRole; keyId: string; expiresAt: Date }

/**
 * Signs a member of staff in to the console or the dashboard: checks the API key they typed
 * (a staff key, not revoked, with a role that may use that surface) and issues a session token
 * bound to the key. Only the token's hash is stored. A refused sign-in creates nothing.
 */
export async function startStaffSession(
  ctx: TxContext,
  input: { key: string; surface: StaffSurface; roles: readonly StaffRole[] },
): Promise<Result<StaffSession, DomainError>> {
  const key = input.key.startsWith(API_KEY_PREFIX)
    ? await ctx.tx.selectFrom('api_keys').select(['id', 'role']).where('key_hash', '=', hashToken(input.key)).where('revoked_at', 'is', null).executeTakeFirst()
    : undefined;
  if (!key || key.role === 'merchant') return err(domainError('unauthorized', 'not a valid staff API key', 'key'));
  const role = key.role as StaffRole;
  if (!input.roles.includes(role)) return err(domainError('forbidden', `the ${role} role may not use the ${input.surface}`, 'key'));
  const token = newToken(STAFF_SESSION_PREFIX);
  const expiresAt = new Date(ctx.at.getTime() + STAFF_SESSION_TTL_MS);
  await ctx.tx.insertInto('staff_sessions').values({
    token_hash: hashToken(token), api_key_id: key.id, surface: input.surface, ip: ctx.actor.ip ?? null, created_at: ctx.at, expires_at: expiresAt, revoked_at: null,
  }).execute();
  await audit({ ...ctx, actor: { ...ctx.actor, kind: 'staff', id: key.id, role } }, 'staff.sign_in', `api_key:${key.id}`, { surface: input.surface });
  return ok({ token, role, keyId: key.id, expiresAt });
}
