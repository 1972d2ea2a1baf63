import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The session token lives in an HttpOnly cookie, so page scripts (there are none, but an
 * injected one) cannot read it, and SameSite=Lax, so another site cannot make the browser
 * send it with a POST. Secure is added when the public URL is https.
 */
export const SESSION_COOKIE = 'fq_session';

export function readCookies(req: FastifyRequest): Record<string, string> {
  const header = req.headers.cookie;
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 1) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (!(name in out)) {
      try { out[name] = decodeURIComponent(value); } catch { out[name] = value; }
    }
  }
  return out;
}

export interface CookieOptions { maxAgeSeconds?: number; httpOnly?: boolean; secure: boolean; path?: string; sameSite?: 'Lax' | 'Strict' }

export function serializeCookie(name: string, value: string, o: CookieOptions): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${o.path ?? '/'}`, `SameSite=${o.sameSite ?? 'Lax'}`];
  if (o.maxAgeSeconds !== undefined) parts.push(`Max-Age=${Math.max(0, Math.floor(o.maxAgeSeconds))}`);
  if (o.httpOnly !== false) parts.push('HttpOnly');
  if (o.secure) parts.push('Secure');
  return parts.join('; ');
}

/** Appends a Set-Cookie header (several may be set on one reply). */
export function setCookie(reply: FastifyReply, cookie: string): void {
  const existing = reply.getHeader('set-cookie');
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)];
  reply.header('set-cookie', [...list, cookie]);
}
