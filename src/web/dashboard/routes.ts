import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app/deps.ts';
import { loadDashboard } from '../../app/dashboard/load-dashboard.ts';
import { entrancesAndIncidents } from '../../app/dashboard/operations.ts';
import { readCookies, serializeCookie, setCookie } from '../cookies.ts';
import { LANG_COOKIE, pickLocale } from '../i18n/locale.ts';
import { secureCookies, seeOther, sendPage } from '../request-context.ts';
import { isUuid } from '../api-client.ts';
import { dashboardView, type DashboardView } from './layout.ts';
import { entrancesPage } from './pages/entrances.ts';
import { staffLoginPage } from './pages/login.ts';
import { overviewPage } from './pages/overview.ts';
import { manageRoutes } from './manage-routes.ts';
import { dashboardPaths } from './paths.ts';
import { StaffApi } from './staff-api.ts';
import { DASHBOARD, STAFF_COOKIE, staffOf, VIEW_ROLES, type Staff } from './staff-auth.ts';
import { signInStaff, signOutStaff } from '../staff-sessions.ts';
import { STAFF_SESSION_TTL_MS } from '../../app/staff/start-staff-session.ts';

type Form = Record<string, string | undefined>;
type StaffHandler = (v: DashboardView, staff: Staff, req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;

/**
 * The operator dashboard under /dashboard: charts computed by set-based read-model queries
 * (src/app/dashboard), and the entrance, incident, product, merchant and partner actions
 * through the admin API.
 */
export const dashboardRoutes = (deps: AppDeps, css: string[]) => async (app: FastifyInstance): Promise<void> => {
  const hidden = { schema: { hide: true } };
  const secure = secureCookies(deps);

  const viewOf = (req: FastifyRequest, reply: FastifyReply, staff: Staff | null, path?: string): DashboardView => {
    const { locale, remember } = pickLocale((req.query as Form).lang, readCookies(req)[LANG_COOKIE]);
    if (remember) setCookie(reply, serializeCookie(LANG_COOKIE, locale, { maxAgeSeconds: 365 * 86_400, httpOnly: false, secure }));
    const url = new URL(path ?? req.url, 'http://x');
    url.searchParams.set('lang', locale === 'en' ? 'zh-CN' : 'en');
    return dashboardView(locale, `${url.pathname}${url.search}`, css, staff);
  };
  const staffCookie = (value: string, maxAgeSeconds?: number) =>
    serializeCookie(STAFF_COOKIE, value, { secure, path: DASHBOARD, sameSite: 'Strict', ...(maxAgeSeconds === undefined ? {} : { maxAgeSeconds }) });

  /** A page for signed-in staff whose role may see the dashboard; others log in or are refused. */
  const staffPage = (handler: StaffHandler) => async (req: FastifyRequest, reply: FastifyReply) => {
    const staff = await staffOf(deps, req);
    if (!staff) return seeOther(reply, dashboardPaths.login);
    const v = viewOf(req, reply, staff);
    if (!VIEW_ROLES.includes(staff.role)) return sendPage(reply, staffLoginPage(viewOf(req, reply, null), v.d.notAllowed), 403);
    return handler(v, staff, req, reply);
  };

  app.get(dashboardPaths.login, hidden, async (req, reply) => sendPage(reply, staffLoginPage(viewOf(req, reply, null))));

  app.post(dashboardPaths.login, hidden, async (req, reply) => {
    const key = (((req.body ?? {}) as Form).key ?? '').trim();
    const signIn = await signInStaff(deps, req, key, 'dashboard', VIEW_ROLES);
    const v = viewOf(req, reply, null, dashboardPaths.login);
    if (!signIn.ok) return signIn.code === 'forbidden' ? sendPage(reply, staffLoginPage(v, v.d.notAllowed), 403) : sendPage(reply, staffLoginPage(v, v.d.badKey), 401);
    setCookie(reply, staffCookie(signIn.session.token, STAFF_SESSION_TTL_MS / 1000));
    return seeOther(reply, dashboardPaths.home);
  });

  app.post(dashboardPaths.logout, hidden, async (req, reply) => {
    await signOutStaff(deps, req, readCookies(req)[STAFF_COOKIE]);
    setCookie(reply, staffCookie('', 0));
    return seeOther(reply, dashboardPaths.login);
  });

  app.get(dashboardPaths.home, hidden, staffPage(async (v, _staff, _req, reply) =>
    sendPage(reply, overviewPage(v, await loadDashboard(deps.db, await deps.calendar.today())))));

  const entrances = async (v: DashboardView, reply: FastifyReply, extra: { notice?: string; error?: string } = {}, status = 200) =>
    sendPage(reply, entrancesPage(v, { ...(await entrancesAndIncidents(deps.db)), ...extra }), status);

  app.get(dashboardPaths.entrances, hidden, staffPage(async (v, _staff, req, reply) =>
    entrances(v, reply, (req.query as Form).done ? { notice: v.d.done } : {})));

  /** An action: done → back to the list (post/redirect/get); refused → the list again with the API's reason and status. */
  const action = (run: (api: StaffApi, req: FastifyRequest) => ReturnType<StaffApi['endIncident']> | null) => staffPage(async (v, staff, req, reply) => {
    const r = await run(new StaffApi(app, staff, req.ip), req);
    if (r === null) return entrances(viewOf(req, reply, staff, dashboardPaths.entrances), reply, { error: v.d.refused('validation_failed') }, 400);
    if (r.ok) return seeOther(reply, `${dashboardPaths.entrances}?done=1`);
    return entrances(viewOf(req, reply, staff, dashboardPaths.entrances), reply, { error: v.d.refused(`${r.code}${r.detail ? ` — ${r.detail}` : ''}`) }, r.status);
  });

  app.post(`${DASHBOARD}/entrances/:code/status`, hidden, action((api, req) => {
    const f = (req.body ?? {}) as Form;
    const { code } = req.params as { code: string };
    return f.status && f.reason ? api.setEntranceStatus(code, f.status, f.reason.trim()) : null;
  }));
  app.post(dashboardPaths.incidents, hidden, action((api, req) => {
    const title = ((req.body ?? {}) as Form).title?.trim();
    return title ? api.declareIncident(title) : null;
  }));
  app.post(`${DASHBOARD}/incidents/:id/end`, hidden, action((api, req) => {
    const { id } = req.params as { id: string };
    return isUuid(id) ? api.endIncident(id) : null;
  }));

  // Products, merchants and partners: their own file, the same staff check.
  manageRoutes(app, { staffPage });
};
