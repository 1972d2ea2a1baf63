import assert from 'node:assert/strict';
import type { TestApp, ApiResponse } from '../support/app.ts';

/**
 * Helpers for the customer identity suites. Requests go through app.inject directly so each
 * can come from its own client IP: the per-IP code limit would otherwise couple the tests.
 */
let ipSeq = 0;
export const freshIp = (): string => { ipSeq += 1; return `10.${(ipSeq >> 16) & 255}.${(ipSeq >> 8) & 255}.${ipSeq & 255}`; };

let phoneSeq = 0;
/** A distinct mainland number per call, so per-phone limits never carry over between tests. */
export const freshPhone = (): string => { phoneSeq += 1; return `1371000${String(phoneSeq).padStart(4, '0')}`; };

export async function call(t: TestApp, method: 'GET' | 'POST', url: string, options: { body?: object; token?: string; ip?: string } = {}): Promise<ApiResponse> {
  const res = await t.app.inject({
    method, url, remoteAddress: options.ip ?? freshIp(),
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
    ...(options.body ? { payload: options.body } : {}),
  });
  let body: any = res.body;
  try { body = res.json(); } catch { /* empty 204 */ }
  return { status: res.statusCode, body, headers: res.headers };
}

/** The newest code texted to a phone for a purpose ('login', 'reauth', 'phone_change'). */
export function codeSentTo(t: TestApp, phone: string, purpose = 'login'): string {
  const sms = t.sent.filter((n) => n.to === phone && n.template === `otp.${purpose}`).at(-1);
  assert.ok(sms, `no otp.${purpose} sent to ${phone}`);
  assert.equal(sms.channel, 'sms');
  return sms.params.code!;
}

/** Sends a login code and logs in with it; returns the session token. */
export async function logIn(t: TestApp, phone: string, ip = freshIp()): Promise<string> {
  const sent = await call(t, 'POST', '/v1/auth/otp', { body: { phone }, ip });
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  const r = await call(t, 'POST', '/v1/auth/login', { body: { phone, code: codeSentTo(t, phone) }, ip });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.token;
}

/** A code that is not the one sent (for wrong-code tries). */
export const wrongCode = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
