import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app/deps.ts';
import { CustomerApi, type ApiResult } from './api-client.ts';
import { readCookies, serializeCookie, setCookie, SESSION_COOKIE } from './cookies.ts';
import type { Html } from './html.ts';
import { LANG_COOKIE, pickLocale, type Locale } from './i18n/locale.ts';
import { messages, type Messages } from './i18n/messages.ts';
import type { View } from './portal/layout.ts';
import { paths, PORTAL } from './portal/paths.ts';

/** Thrown when the API says the session is gone: the page sends the customer to log in. */
export class SessionEnded extends Error {}
/** Thrown when the API fails unexpectedly (5xx or a shape we did not plan for). */
export class ApiFailure extends Error {
  constructor(readonly status: number, readonly code: string) { super(`API answered ${status} ${code}`); }
}

/** Unwraps an API answer a page cannot do without. */
export function need<T>(r: ApiResult<T>): T {
  if (r.ok) return r.body;
  if (r.problem.code === 'unauthorized') throw new SessionEnded();
  throw new ApiFailure(r.status, r.problem.code);
}

/** Like need(), but a 404 is an answer (null), not a failure. */
export function maybe<T>(r: ApiResult<T>): T | null {
  if (!r.ok && r.status === 404) return null;
  return need(r);
}

export interface PageContext {
  locale: Locale;
  m: Messages;
  api: CustomerApi;
  secure: boolean;
  view(switchPath?: string): View;
}

export function secureCookies(deps: AppDeps): boolean {
  return deps.config.publicUrl.startsWith('https:');
}

/** Language (remembering ?lang= in a cookie), the API client for this session, and the page shell's inputs. */
export function contextOf(app: FastifyInstance, deps: AppDeps, cssHref: string, req: FastifyRequest, reply: FastifyReply): PageContext {
  const cookies = readCookies(req);
  const query = req.query as Record<string, string | undefined>;
  const { locale, remember } = pickLocale(query.lang, cookies[LANG_COOKIE]);
  const secure = secureCookies(deps);
  if (remember) setCookie(reply, serializeCookie(LANG_COOKIE, locale, { maxAgeSeconds: 365 * 86_400, httpOnly: false, secure }));
  const token = cookies[SESSION_COOKIE];
  const api = new CustomerApi(app, token && token.startsWith('fqs_') ? token : null, req.ip);
  const other: Locale = locale === 'en' ? 'zh-CN' : 'en';
  return {
    locale, m: messages(locale), api, secure,
    view(switchPath) {
      const url = new URL(switchPath ?? req.url, 'http://x');
      url.searchParams.set('lang', other);
      return { locale, m: messages(locale), switchHref: `${url.pathname}${url.search}`, cssHref };
    },
  };
}

export function sendPage(reply: FastifyReply, page: Html, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page.text);
}

/** 303: after a POST the browser GETs the next page, so a reload never re-submits. */
export function seeOther(reply: FastifyReply, location: string): FastifyReply {
  return reply.code(303).header('location', location).header('cache-control', 'no-store').send();
}

/** Only a portal page may follow a login: never "//evil.example", a full URL, or the API. */
export function safeNext(value: unknown): string {
  if (typeof value !== 'string' || value.length > 300 || value.includes('\\') || value.includes('..') || /[\r\n]/.test(value)) return paths.home;
  return value === PORTAL || value.startsWith(`${PORTAL}/`) || value.startsWith(`${PORTAL}?`) ? value : paths.home;
}
