import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatCode, IP_SEND_LIMITS, isRecentReauth, judgeOtp, OTP_MAX_ATTEMPTS, PHONE_SEND_LIMITS, retryAfterSeconds } from './otp.ts';

const at = (s: number) => new Date(Date.UTC(2026, 0, 5) + s * 1000);

describe('one-time code rules', () => {
  it('allows one code a minute per phone and says how long to wait', () => {
    assert.equal(retryAfterSeconds([], at(0), PHONE_SEND_LIMITS), 0);
    assert.equal(retryAfterSeconds([at(0)], at(1), PHONE_SEND_LIMITS), 59);
    assert.equal(retryAfterSeconds([at(0)], at(59.5), PHONE_SEND_LIMITS), 1);
    assert.equal(retryAfterSeconds([at(0)], at(60), PHONE_SEND_LIMITS), 0);
  });

  it('allows ten codes a day per phone: the eleventh waits until the oldest is a day old', () => {
    const sent = Array.from({ length: 10 }, (_, i) => at((9 - i) * 120)); // newest first, two minutes apart
    assert.equal(retryAfterSeconds(sent, at(9 * 120 + 60), PHONE_SEND_LIMITS), 86_400 - (9 * 120 + 60));
    assert.equal(retryAfterSeconds(sent.slice(0, 9), at(9 * 120 + 60), PHONE_SEND_LIMITS), 0);
  });

  it('allows twenty codes an hour per IP', () => {
    const sent = Array.from({ length: 20 }, (_, i) => at(19 - i));
    assert.equal(retryAfterSeconds(sent, at(20), IP_SEND_LIMITS), 3600 - 20);
    assert.equal(retryAfterSeconds(sent.slice(0, 19), at(20), IP_SEND_LIMITS), 0);
  });

  it('judges a try: right, wrong with tries left, locked, expired, used, none', () => {
    const live = { expiresAt: at(300), usedAt: null, attempts: 0 };
    assert.deepEqual(judgeOtp(live, at(299), true), { kind: 'accepted' });
    assert.deepEqual(judgeOtp(live, at(10), false), { kind: 'wrong', attemptsLeft: OTP_MAX_ATTEMPTS - 1 });
    assert.deepEqual(judgeOtp({ ...live, attempts: OTP_MAX_ATTEMPTS - 1 }, at(10), false), { kind: 'wrong', attemptsLeft: 0 });
    assert.deepEqual(judgeOtp({ ...live, attempts: OTP_MAX_ATTEMPTS }, at(10), true), { kind: 'locked' });
    assert.deepEqual(judgeOtp(live, at(300), true), { kind: 'expired' });
    assert.deepEqual(judgeOtp({ ...live, usedAt: at(5) }, at(10), true), { kind: 'used' });
    assert.deepEqual(judgeOtp(undefined, at(10), false), { kind: 'no_code' });
  });

  it('formats codes with six digits, keeping leading zeros', () => {
    assert.equal(formatCode(42), '000042');
    assert.equal(formatCode(999_999), '999999');
  });

  it('counts a re-authentication as recent for ten minutes', () => {
    assert.ok(isRecentReauth(at(0), at(600)));
    assert.ok(!isRecentReauth(at(0), at(601)));
    assert.ok(!isRecentReauth(null, at(0)));
  });
});
