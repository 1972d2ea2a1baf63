import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app/deps.ts';
import { serializeCookie, setCookie, SESSION_COOKIE } from '../cookies.ts';
import { ApiFailure, contextOf, seeOther, sendPage, SessionEnded, type PageContext } from '../request-context.ts';
import { errorPage } from './pages/errors.ts';
import { paths, PORTAL } from './paths.ts';

export type Form = Record<string, string | undefined>;
export type Handler = (c: PageContext, req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;

/** What the portal's route files share: the page context, the login guard, the session cookie. */
export interface PortalKit {
  ctx(req: FastifyRequest, reply: FastifyReply): PageContext;
  /** A page for a logged-in customer: no cookie or an ended session goes to the login page. */
  customerPage(handler: Handler): (req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;
  endSession(c: PageContext, reply: FastifyReply): void;
  hidden: { schema: { hide: true } };
}

export function portalKit(app: FastifyInstance, deps: AppDeps, cssHref: string): PortalKit {
  const ctx = (req: FastifyRequest, reply: FastifyReply) => contextOf(app, deps, cssHref, req, reply);
  const endSession = (c: PageContext, reply: FastifyReply) =>
    setCookie(reply, serializeCookie(SESSION_COOKIE, '', { maxAgeSeconds: 0, secure: c.secure, path: PORTAL }));
  const toLogin = (req: FastifyRequest, reply: FastifyReply) =>
    seeOther(reply, `${paths.login}${req.method === 'GET' && req.url !== paths.home ? `?next=${encodeURIComponent(req.url)}` : ''}`);
  const customerPage = (handler: Handler) => async (req: FastifyRequest, reply: FastifyReply) => {
    const c = ctx(req, reply);
    if (!c.api.loggedIn) return toLogin(req, reply);
    try {
      return await handler(c, req, reply);
    } catch (e) {
      if (e instanceof SessionEnded) { endSession(c, reply); return toLogin(req, reply); }
      deps.log(`portal: ${req.method} ${req.url.split('?')[0]} failed: ${e instanceof ApiFailure ? e.message : (e as Error).stack ?? String(e)}`);
      return sendPage(reply, errorPage(c.view(), true), 500);
    }
  };
  return { ctx, customerPage, endSession, hidden: { schema: { hide: true } } };
}
