/**
 * One-time code rules (短信验证码), pure: no clock, no randomness, no storage. The app layer
 * passes in the time and the stored code's state and acts on the verdict.
 *
 * The figures follow the issue: 6 digits, valid 5 minutes, single use, at most 5 tries per
 * code. A 6-digit code with 5 tries gives a guesser 5 in a million per code; the send limits
 * below cap a phone at 10 codes a day, so at most 50 guesses a day against one phone.
 */

export const OTP_DIGITS = 6;
export const OTP_TTL_MS = 5 * 60_000;
export const OTP_MAX_ATTEMPTS = 5;
/** A sensitive action (change phone, cancel the account) needs a fresh OTP within this window. */
export const REAUTH_WINDOW_MS = 10 * 60_000;

/** What a code was issued for; a code for one purpose never opens another. */
export const OTP_PURPOSES = ['login', 'reauth', 'phone_change'] as const;
export type OtpPurpose = (typeof OTP_PURPOSES)[number];

export interface SendLimit { windowMs: number; max: number }

/**
 * SMS pumping and code bombing are stopped per phone (one code a minute, ten a day) and per
 * client IP (twenty an hour, which is plenty for a household behind one NAT and little for a
 * script). Every purpose counts, so a logged-in customer cannot bomb a phone either.
 */
export const PHONE_SEND_LIMITS: readonly SendLimit[] = [{ windowMs: 60_000, max: 1 }, { windowMs: 24 * 3_600_000, max: 10 }];
export const IP_SEND_LIMITS: readonly SendLimit[] = [{ windowMs: 3_600_000, max: 20 }];
/** Longest window above: older codes are useless for limiting and may be deleted. */
export const OTP_RETENTION_MS = 24 * 3_600_000;

/**
 * Seconds until one more send is allowed, or 0 when it is allowed now. `sentAt` holds the
 * earlier sends, newest first, at least as many as the largest `max`. A window is full when
 * `max` sends fall inside it; it frees up when the max-th newest of them leaves it.
 */
export function retryAfterSeconds(sentAt: readonly Date[], now: Date, limits: readonly SendLimit[]): number {
  let waitMs = 0;
  for (const { windowMs, max } of limits) {
    const inWindow = sentAt.filter((t) => now.getTime() - t.getTime() < windowMs);
    if (inWindow.length < max) continue;
    const freedAt = inWindow[max - 1]!.getTime() + windowMs;
    waitMs = Math.max(waitMs, freedAt - now.getTime());
  }
  return waitMs > 0 ? Math.ceil(waitMs / 1000) : 0;
}

export interface StoredOtp { expiresAt: Date; usedAt: Date | null; attempts: number }

export type OtpVerdict =
  | { kind: 'accepted' }
  | { kind: 'no_code' | 'used' | 'expired' | 'locked' }
  /** A wrong code; `attemptsLeft` is 0 when this try used the last one. */
  | { kind: 'wrong'; attemptsLeft: number };

/**
 * Judges one try against the newest code for a phone and purpose. A locked, used or expired
 * code refuses even the right digits; only a wrong try on a live code costs an attempt.
 */
export function judgeOtp(code: StoredOtp | undefined, now: Date, matches: boolean): OtpVerdict {
  if (!code) return { kind: 'no_code' };
  if (code.usedAt) return { kind: 'used' };
  if (code.attempts >= OTP_MAX_ATTEMPTS) return { kind: 'locked' };
  if (now.getTime() >= code.expiresAt.getTime()) return { kind: 'expired' };
  if (matches) return { kind: 'accepted' };
  return { kind: 'wrong', attemptsLeft: OTP_MAX_ATTEMPTS - code.attempts - 1 };
}

/** Formats a random integer in [0, 10^6) as the code the customer types, keeping leading zeros. */
export function formatCode(n: number): string {
  return String(n).padStart(OTP_DIGITS, '0');
}

export function isRecentReauth(reauthenticatedAt: Date | null, now: Date): boolean {
  return reauthenticatedAt !== null && now.getTime() - reauthenticatedAt.getTime() <= REAUTH_WINDOW_MS;
}
