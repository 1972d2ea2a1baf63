import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import {
  formatCode, IP_SEND_LIMITS, judgeOtp, OTP_DIGITS, OTP_RETENTION_MS, OTP_TTL_MS, PHONE_SEND_LIMITS, retryAfterSeconds,
  type OtpPurpose,
} from '../../core/auth/otp.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { phoneHash } from '../secrets.ts';
import type { TxContext } from '../context.ts';
import type { Notification } from '../ports.ts';

/**
 * Issuing and checking one-time codes, shared by the login, re-authentication and
 * phone-change use cases. Codes are stored only as an HMAC under the deployment secret: the
 * code space is a million, so a plain hash of a leaked row would be reversed in a blink.
 */

export interface OtpTarget {
  phone: string;
  purpose: OtpPurpose;
  /** Whose request this code answers (a customer id), '' for login: a code for one customer never works for another. */
  binding: string;
}

export interface IssuedOtp { code: string; expiresAt: Date }

/**
 * A try that fails must still count against the code, but execute() rolls back a use case
 * that returns an error. So a verifying use case returns its refusal as a value (committed
 * with the attempt count) and the route turns it into the problem response.
 */
export type Verified<T> = { verified: true; value: T } | { verified: false; error: DomainError };

export const refused = <T>(error: DomainError): Result<Verified<T>, DomainError> => ok({ verified: false, error });
export const verified = <T>(value: T): Result<Verified<T>, DomainError> => ok({ verified: true, value });

export function flattenVerified<T>(r: Result<Verified<T>, DomainError>): Result<T, DomainError> {
  if (!r.ok) return r;
  return r.value.verified ? ok(r.value.value) : err(r.value.error);
}

function codeHash(secret: string, id: string, target: OtpTarget, code: string): string {
  return createHmac('sha256', secret).update(`otp:${id}:${target.purpose}:${target.binding}:${code}`).digest('hex');
}

/**
 * Stores a fresh code, or refuses with rate_limited and the seconds to wait. The advisory
 * lock on the phone makes two simultaneous requests for one phone queue, so neither can slip
 * past the one-a-minute limit.
 */
export async function issueOtp(ctx: TxContext, target: OtpTarget): Promise<Result<IssuedOtp, DomainError>> {
  const hash = phoneHash(ctx.deps.secret, target.phone);
  await sql`select pg_advisory_xact_lock(hashtextextended(${`otp:${hash}`}, 0))`.execute(ctx.tx);
  const wait = await secondsUntilAllowed(ctx, hash);
  if (wait > 0) {
    return err(domainError('rate_limited', `too many codes requested; try again in ${wait} seconds`, undefined, { retryAfterSeconds: wait }));
  }
  await ctx.tx.deleteFrom('otp_codes').where('phone_hash', '=', hash).where('created_at', '<', new Date(ctx.at.getTime() - OTP_RETENTION_MS)).execute();
  const id = ctx.deps.ids.next();
  const code = formatCode(randomInt(10 ** OTP_DIGITS));
  const expiresAt = new Date(ctx.at.getTime() + OTP_TTL_MS);
  await ctx.tx.insertInto('otp_codes').values({
    id, phone_hash: hash, code_hash: codeHash(ctx.deps.secret, id, target, code), purpose: target.purpose,
    expires_at: expiresAt, used_at: null, ip: ctx.actor.ip ?? null, created_at: ctx.at,
  }).execute();
  return ok({ code, expiresAt });
}

async function secondsUntilAllowed(ctx: TxContext, hash: string): Promise<number> {
  const recent = (rows: { created_at: Date }[]) => rows.map((r) => r.created_at);
  const byPhone = await ctx.tx.selectFrom('otp_codes').select('created_at').where('phone_hash', '=', hash)
    .where('created_at', '>', new Date(ctx.at.getTime() - maxWindow(PHONE_SEND_LIMITS)))
    .orderBy('created_at', 'desc').limit(maxCount(PHONE_SEND_LIMITS)).execute();
  let wait = retryAfterSeconds(recent(byPhone), ctx.at, PHONE_SEND_LIMITS);
  if (ctx.actor.ip) {
    const byIp = await ctx.tx.selectFrom('otp_codes').select('created_at').where('ip', '=', ctx.actor.ip)
      .where('created_at', '>', new Date(ctx.at.getTime() - maxWindow(IP_SEND_LIMITS)))
      .orderBy('created_at', 'desc').limit(maxCount(IP_SEND_LIMITS)).execute();
    wait = Math.max(wait, retryAfterSeconds(recent(byIp), ctx.at, IP_SEND_LIMITS));
  }
  return wait;
}

const maxWindow = (limits: readonly { windowMs: number }[]) => Math.max(...limits.map((l) => l.windowMs));
const maxCount = (limits: readonly { max: number }[]) => Math.max(...limits.map((l) => l.max));

/**
 * Checks a try against the newest code for the phone and purpose, locking that row so two
 * tries at once are judged one after the other (a code is used once, attempts never lost).
 * Returns null when accepted (and marks the code used), else the error to show.
 */
export async function consumeOtp(ctx: TxContext, target: OtpTarget, code: string): Promise<DomainError | null> {
  const row = await ctx.tx.selectFrom('otp_codes').select(['id', 'code_hash', 'expires_at', 'used_at', 'attempts'])
    .where('phone_hash', '=', phoneHash(ctx.deps.secret, target.phone)).where('purpose', '=', target.purpose)
    .orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).forUpdate().executeTakeFirst();
  const matches = row ? sameHash(row.code_hash, codeHash(ctx.deps.secret, row.id, target, code)) : false;
  const verdict = judgeOtp(row && { expiresAt: row.expires_at, usedAt: row.used_at, attempts: row.attempts }, ctx.at, matches);
  switch (verdict.kind) {
    case 'accepted':
      await ctx.tx.updateTable('otp_codes').set({ used_at: ctx.at }).where('id', '=', row!.id).execute();
      return null;
    case 'wrong':
      await ctx.tx.updateTable('otp_codes').set({ attempts: sql`attempts + 1` }).where('id', '=', row!.id).execute();
      return verdict.attemptsLeft > 0
        ? domainError('otp_invalid', `wrong code; ${verdict.attemptsLeft} ${verdict.attemptsLeft === 1 ? 'try' : 'tries'} left`, 'code', { attemptsLeft: verdict.attemptsLeft })
        : tooManyAttempts();
    case 'locked': return tooManyAttempts();
    case 'expired': return domainError('otp_expired', 'this code has expired (codes are valid for 5 minutes); request a new one', 'code');
    case 'used': return domainError('otp_invalid', 'this code was already used; request a new one', 'code');
    case 'no_code': return domainError('otp_invalid', 'wrong code; request a code first', 'code');
  }
}

const tooManyAttempts = () => domainError('otp_too_many_attempts', 'too many wrong codes; request a new code', 'code');

/** Constant-time: how many leading characters matched must not show in the response time. */
function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The SMS carrying a code. Sent by the route after commit: never a network call inside a transaction. */
export function otpNotice(target: OtpTarget, issued: IssuedOtp): Notification {
  return {
    channel: 'sms', to: target.phone, template: `otp.${target.purpose}`, locale: 'zh-CN',
    params: { code: issued.code, validMinutes: String(OTP_TTL_MS / 60_000) },
  };
}
