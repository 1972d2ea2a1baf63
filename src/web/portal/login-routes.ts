import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app/deps.ts';
import { serializeCookie, setCookie, SESSION_COOKIE } from '../cookies.ts';
import { errorText } from '../i18n/messages.ts';
import { safeNext, seeOther, sendPage } from '../request-context.ts';
import type { Form, PortalKit } from './kit.ts';
import { loginPage } from './pages/login.ts';
import { paths, PORTAL } from './paths.ts';

/** Log in with phone and one-time code (two small forms), and log out. */
export function loginRoutes(app: FastifyInstance, deps: AppDeps, kit: PortalKit): void {
  const { ctx, endSession, hidden } = kit;
  app.get(paths.login, hidden, async (req, reply) => {
    const c = ctx(req, reply);
    const q = req.query as Form;
    return sendPage(reply, loginPage(c.view(), { step: 'phone', next: safeNext(q.next), ...(q.out ? { notice: c.m.loggedOut } : {}) }));
  });

  app.post(paths.loginCode, hidden, async (req, reply) => {
    const c = ctx(req, reply);
    const f = (req.body ?? {}) as Form;
    const phone = (f.phone ?? '').trim();
    const next = safeNext(f.next);
    const r = await c.api.sendLoginCode(phone);
    if (!r.ok) {
      const error = r.problem.code === 'validation_failed' ? c.m.errors.phone_invalid! : errorText(c.m, r.problem.code);
      return sendPage(reply, loginPage(c.view(paths.login), { step: 'phone', phone, next, error }), r.status === 429 ? 429 : 400);
    }
    return sendPage(reply, loginPage(c.view(paths.login), { step: 'code', phone, next, notice: c.m.codeSent }));
  });

  app.post(paths.login, hidden, async (req, reply) => {
    const c = ctx(req, reply);
    const f = (req.body ?? {}) as Form;
    const phone = (f.phone ?? '').trim();
    const code = (f.code ?? '').replace(/\s/g, '');
    const next = safeNext(f.next);
    const r = await c.api.logIn(phone, code);
    if (!r.ok) {
      const code = r.problem.code === 'validation_failed' ? 'otp_invalid' : r.problem.code;
      // A locked or expired code cannot be retried: back to the first step for a new one.
      const step = code === 'otp_too_many_attempts' || code === 'otp_expired' ? 'phone' : 'code';
      return sendPage(reply, loginPage(c.view(paths.login), { step, phone, next, error: errorText(c.m, code) }), r.status);
    }
    const seconds = (Date.parse(r.body.expiresAt) - deps.clock.now().getTime()) / 1000;
    setCookie(reply, serializeCookie(SESSION_COOKIE, r.body.token, { maxAgeSeconds: seconds, secure: c.secure, path: PORTAL }));
    return seeOther(reply, next);
  });

  app.post(paths.logout, hidden, async (req, reply) => {
    const c = ctx(req, reply);
    if (c.api.loggedIn) await c.api.logOut();
    endSession(c, reply);
    return seeOther(reply, `${paths.login}?out=1`);
  });
}
