import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app/deps.ts';
import { isUuid } from '../api-client.ts';
import { readCookies, serializeCookie, setCookie } from '../cookies.ts';
import type { Staff } from '../dashboard/staff-auth.ts';
import { signInStaff, signOutStaff } from '../staff-sessions.ts';
import { STAFF_SESSION_TTL_MS } from '../../app/staff/start-staff-session.ts';
import { LANG_COOKIE, pickLocale } from '../i18n/locale.ts';
import { secureCookies, seeOther, sendPage } from '../request-context.ts';
import { ConsoleApi, newFormKey, type Answer } from './console-api.ts';
import type { ConsoleView } from './layout.ts';
import { consoleMessages } from './messages.ts';
import { approvalsPage } from './pages/approvals.ts';
import { casePage, collectionsPage } from './pages/collections.ts';
import { customerPage } from './pages/customer.ts';
import { consoleHomePage } from './pages/home.ts';
import { consoleLoginPage } from './pages/login.ts';
import { ticketPage, ticketsPage } from './pages/tickets.ts';
import { CONSOLE, consolePaths } from './paths.ts';
import { CONSOLE_COOKIE, CONSOLE_ROLES, consoleStaffOf } from './staff-session.ts';

type Form = Record<string, string | undefined>;
interface Ctx { v: ConsoleView; staff: Staff; api: ConsoleApi; req: FastifyRequest; reply: FastifyReply; form: Form; params: Record<string, string> }
/** What an action leaves for the page it returns to: ?ok= or ?err= (codes only, never customer data). */
type Outcome = { to: string; ok?: string; err?: string };

/**
 * The service console under /console: server-rendered like the portal, acting through the
 * staff API in-process (console-api.ts). Every action is post/redirect/get: the page after an
 * action is a GET that shows what happened, so a reload never repeats it.
 */
export const consoleRoutes = (deps: AppDeps, css: readonly string[]) => async (app: FastifyInstance): Promise<void> => {
  const hidden = { schema: { hide: true } };
  const secure = secureCookies(deps);

  const viewOf = (req: FastifyRequest, reply: FastifyReply, staff: Staff | null, path?: string): ConsoleView => {
    const { locale, remember } = pickLocale((req.query as Form).lang, readCookies(req)[LANG_COOKIE]);
    if (remember) setCookie(reply, serializeCookie(LANG_COOKIE, locale, { maxAgeSeconds: 365 * 86_400, httpOnly: false, secure }));
    const url = new URL(path ?? req.url, 'http://x');
    url.searchParams.set('lang', locale === 'en' ? 'zh-CN' : 'en');
    return { locale, c: consoleMessages(locale), switchHref: `${url.pathname}${url.search}`, css, staff };
  };
  const staffCookie = (value: string, maxAgeSeconds: number) =>
    serializeCookie(CONSOLE_COOKIE, value, { secure, path: CONSOLE, sameSite: 'Strict', maxAgeSeconds });

  const withStaff = (handler: (x: Ctx) => Promise<FastifyReply>) => async (req: FastifyRequest, reply: FastifyReply) => {
    const staff = await consoleStaffOf(deps, req);
    if (!staff) return seeOther(reply, consolePaths.login);
    const v = viewOf(req, reply, staff);
    if (!CONSOLE_ROLES.includes(staff.role)) return sendPage(reply, consoleLoginPage(viewOf(req, reply, null), v.c.notAllowed), 403);
    const params = req.params as Record<string, string>;
    if (Object.values(params).some((p) => !isUuid(p))) return sendPage(reply, consoleHomePage(v, { error: v.c.notFound, myTickets: [], breached: [] }), 404);
    return handler({ v, staff, api: new ConsoleApi(app, staff, req.ip), req, reply, form: (req.body ?? {}) as Form, params });
  };
  /** Messages carried across the redirect: ok= names a message key, err= the API's stable code. */
  const flash = (x: Ctx) => {
    const q = x.req.query as Form;
    const err = q.err ? x.v.c.refused(q.err.slice(0, 80)) : undefined;
    const ok = q.ok === 'pending' ? x.v.c.pendingApproval(q.roles?.slice(0, 60) ?? '') : q.ok === 'link' ? x.v.c.linkQueued(q.d?.slice(0, 10) ?? '')
      : q.ok === 'link_already' ? x.v.c.linkAlready : q.ok ? x.v.c.done : undefined;
    return { ...(err ? { error: err } : {}), ...(ok ? { notice: ok } : {}) };
  };
  const finish = (reply: FastifyReply, o: Outcome) => {
    const q = new URLSearchParams();
    if (o.ok) q.set('ok', o.ok);
    if (o.err) q.set('err', o.err);
    return seeOther(reply, `${o.to}${q.size ? `?${q}` : ''}`);
  };
  const outcome = (to: string, r: Answer<any>, ok = 'done'): Outcome => (r.ok ? { to, ok } : { to, err: r.code });
  const post = (path: string, run: (x: Ctx) => Promise<Outcome | FastifyReply>) => app.post(path, hidden, withStaff(async (x) => {
    const o = await run(x);
    return 'to' in o ? finish(x.reply, o) : o;
  }));

  // ── Sign in / out ──────────────────────────────────────────────────────────
  app.get(consolePaths.login, hidden, async (req, reply) => sendPage(reply, consoleLoginPage(viewOf(req, reply, null))));
  app.post(consolePaths.login, hidden, async (req, reply) => {
    const key = (((req.body ?? {}) as Form).key ?? '').trim();
    const signIn = await signInStaff(deps, req, key, 'console', CONSOLE_ROLES);
    const v = viewOf(req, reply, null, consolePaths.login);
    if (!signIn.ok) return signIn.code === 'forbidden' ? sendPage(reply, consoleLoginPage(v, v.c.notAllowed), 403) : sendPage(reply, consoleLoginPage(v, v.c.badKey), 401);
    setCookie(reply, staffCookie(signIn.session.token, STAFF_SESSION_TTL_MS / 1000));
    return seeOther(reply, consolePaths.home);
  });
  app.post(consolePaths.logout, hidden, async (req, reply) => {
    await signOutStaff(deps, req, readCookies(req)[CONSOLE_COOKIE]);
    setCookie(reply, staffCookie('', 0));
    return seeOther(reply, consolePaths.login);
  });

  // ── Find a customer ────────────────────────────────────────────────────────
  const home = async (x: Ctx, extra: { query?: string; error?: string } = {}, status = 200) => {
    const [mine, late] = await Promise.all([
      x.api.get<{ items: any[] }>('/v1/service/tickets?assignee=me&status=open,in_progress,waiting_customer&limit=20'),
      x.api.get<{ items: any[] }>('/v1/service/tickets?breached=true&status=open,in_progress,waiting_customer&limit=20'),
    ]);
    return sendPage(x.reply, consoleHomePage(x.v, { ...extra, myTickets: mine.ok ? mine.body.items : [], breached: late.ok ? late.body.items : [] }), status);
  };
  app.get(consolePaths.home, hidden, withStaff((x) => home(x)));
  app.post(consolePaths.search, hidden, withStaff(async (x) => {
    const q = (x.form.q ?? '').trim();
    // A plan id as printed, or a phone as people say it ("138 0013 8000", "138-0013-8000").
    const body = isUuid(q) ? { planId: q } : { phone: q.replace(/[\s-]/g, '') };
    const r = await x.api.post<{ customerId: string }>('/v1/service/customers/search', body);
    // The query is not echoed back when it was a phone number: it stays out of the page and the history.
    if (!r.ok) return home(x, { error: r.status === 404 ? x.v.c.notFound : x.v.c.refused(r.code) }, r.status === 404 ? 404 : 400);
    return seeOther(x.reply, consolePaths.customer(r.body.customerId));
  }));

  // ── A customer ─────────────────────────────────────────────────────────────
  app.get(`${CONSOLE}/customers/:customerId`, hidden, withStaff(async (x) => {
    const r = await x.api.get(`/v1/service/customers/${x.params.customerId}`);
    if (!r.ok) return home(x, { error: r.status === 404 ? x.v.c.notFound : x.v.c.refused(r.code) }, r.status);
    return sendPage(x.reply, customerPage(x.v, { picture: r.body, formKey: newFormKey(), ...flash(x) }));
  }));
  const customerUrl = (x: Ctx) => consolePaths.customer(x.params.customerId!);
  post(`${CONSOLE}/customers/:customerId/repayment-link`, async (x) => {
    const r = await x.api.post<{ dueDate: string; queued: boolean }>(`/v1/service/customers/${x.params.customerId}/repayment-link`, {});
    if (!r.ok) return { to: customerUrl(x), err: r.code };
    return seeOther(x.reply, `${customerUrl(x)}?${new URLSearchParams(r.body.queued ? { ok: 'link', d: r.body.dueDate } : { ok: 'link_already' })}`);
  });
  post(`${CONSOLE}/customers/:customerId/payments/:paymentId/trace`, async (x) => {
    const r = await x.api.post<{ outcome: string }>(`/v1/service/customers/${x.params.customerId}/payments/${x.params.paymentId}/trace`, {});
    return r.ok ? { to: customerUrl(x), ok: r.body.outcome } : { to: customerUrl(x), err: r.code };
  });
  const adjusted = (x: Ctx, r: Answer<{ outcome: string; approverRoles?: string[] }>): Outcome | FastifyReply => {
    if (!r.ok) return { to: customerUrl(x), err: r.code };
    if (r.body.outcome === 'pending_approval') return seeOther(x.reply, `${customerUrl(x)}?${new URLSearchParams({ ok: 'pending', roles: (r.body.approverRoles ?? []).join('/') })}`);
    return { to: customerUrl(x), ok: 'done' };
  };
  post(`${CONSOLE}/customers/:customerId/waive`, async (x) => adjusted(x, await x.api.post(`/v1/service/customers/${x.params.customerId}/waivers`, {
    planId: x.form.planId ?? '', installmentNumber: Number(x.form.installmentNumber), component: x.form.component ?? '', amount: x.form.amount ?? '', reason: (x.form.reason ?? '').trim(),
  }, x.form.idem)));
  post(`${CONSOLE}/customers/:customerId/refund`, async (x) => adjusted(x, await x.api.post(`/v1/service/customers/${x.params.customerId}/refunds`, {
    amount: x.form.amount ?? '', channel: x.form.channel ?? 'manual', reason: (x.form.reason ?? '').trim(),
  }, x.form.idem)));
  post(`${CONSOLE}/customers/:customerId/cancellation-check`, async (x) => {
    const r = await x.api.post<{ howToCancel: string; cancellable: boolean }>(`/v1/service/customers/${x.params.customerId}/cancellation-check`, {});
    return r.ok ? { to: customerUrl(x), ok: r.body.cancellable ? 'cancellable' : 'owed' } : { to: customerUrl(x), err: r.code };
  });
  post(`${CONSOLE}/customers/:customerId/ticket`, async (x) => {
    const r = await x.api.post<{ id: string }>('/v1/service/tickets', { customerId: x.params.customerId, category: x.form.category ?? '', description: (x.form.description ?? '').trim() }, x.form.idem);
    return r.ok ? { to: consolePaths.ticket(r.body.id), ok: 'done' } : { to: customerUrl(x), err: r.code };
  });
  app.post(`${CONSOLE}/customers/:customerId/reveal`, hidden, withStaff(async (x) => {
    const r = await x.api.post<{ phone: string }>(`/v1/admin/customers/${x.params.customerId}/reveal-phone`, { reason: (x.form.reason ?? '').trim() });
    if (!r.ok) return finish(x.reply, { to: customerUrl(x), err: r.code });
    // Shown once, on this response only: never in a URL, never cached (sendPage sends no-store).
    const picture = await x.api.get(`/v1/service/customers/${x.params.customerId}`);
    if (!picture.ok) return finish(x.reply, { to: customerUrl(x), err: picture.code });
    return sendPage(x.reply, customerPage(x.v, { picture: picture.body, formKey: newFormKey(), revealed: r.body.phone }));
  }));

  // ── Tickets ────────────────────────────────────────────────────────────────
  app.get(consolePaths.tickets, hidden, withStaff(async (x) => {
    const q = x.req.query as Form;
    const status = ['open', 'in_progress', 'waiting_customer', 'resolved', 'closed'].includes(q.status ?? '') ? q.status : undefined;
    const query = new URLSearchParams({ limit: '100', ...(status ? { status } : {}), ...(q.breached === 'true' ? { breached: 'true' } : {}) });
    const r = await x.api.get<{ items: any[] }>(`/v1/service/tickets?${query}`);
    return sendPage(x.reply, ticketsPage(x.v, { tickets: r.ok ? r.body.items : [], ...(status ? { status } : {}), breached: q.breached === 'true', ...(r.ok ? {} : { error: x.v.c.refused(r.code) }) }));
  }));
  app.get(`${CONSOLE}/tickets/:ticketId`, hidden, withStaff(async (x) => {
    const r = await x.api.get(`/v1/service/tickets/${x.params.ticketId}`);
    if (!r.ok) return home(x, { error: x.v.c.refused(r.code) }, r.status);
    return sendPage(x.reply, ticketPage(x.v, { ticket: r.body, formKey: newFormKey(), ...flash(x) }));
  }));
  const ticketUrl = (x: Ctx) => consolePaths.ticket(x.params.ticketId!);
  post(`${CONSOLE}/tickets/:ticketId/assign`, async (x) => outcome(ticketUrl(x), await x.api.post(`/v1/service/tickets/${x.params.ticketId}/assign`, { assignee: 'me' })));
  post(`${CONSOLE}/tickets/:ticketId/move`, async (x) => {
    const note = (x.form.note ?? '').trim();
    return outcome(ticketUrl(x), await x.api.post(`/v1/service/tickets/${x.params.ticketId}/actions`, { action: x.form.action ?? '', ...(note ? { note } : {}) }, x.form.idem));
  });
  post(`${CONSOLE}/tickets/:ticketId/comment`, async (x) => outcome(ticketUrl(x), await x.api.post(`/v1/service/tickets/${x.params.ticketId}/comments`, { body: (x.form.body ?? '').trim() })));

  // ── Collections ────────────────────────────────────────────────────────────
  app.get(consolePaths.collections, hidden, withStaff(async (x) => {
    const bucket = ['M1', 'M2', 'M3', 'M4+'].includes((x.req.query as Form).bucket ?? '') ? (x.req.query as Form).bucket : undefined;
    const r = await x.api.get<{ items: any[] }>(`/v1/collections/queue${bucket ? `?bucket=${encodeURIComponent(bucket)}` : ''}`);
    return sendPage(x.reply, collectionsPage(x.v, { items: r.ok ? r.body.items : [], ...(bucket ? { bucket } : {}), ...(r.ok ? {} : { error: x.v.c.refused(r.code) }) }), r.ok ? 200 : r.status);
  }));
  app.get(`${CONSOLE}/collections/:customerId/:caseId`, hidden, withStaff(async (x) => {
    const r = await x.api.get(`/v1/collections/customers/${x.params.customerId}/cases/${x.params.caseId}`);
    if (!r.ok) return home(x, { error: x.v.c.refused(r.code) }, r.status);
    return sendPage(x.reply, casePage(x.v, { item: r.body, formKey: newFormKey(), ...flash(x) }));
  }));
  const caseUrl = (x: Ctx) => consolePaths.collectionCase(x.params.customerId!, x.params.caseId!);
  const caseApi = (x: Ctx) => `/v1/collections/customers/${x.params.customerId}/cases/${x.params.caseId}`;
  post(`${CONSOLE}/collections/:customerId/:caseId/contact`, async (x) => {
    const note = (x.form.note ?? '').trim();
    return outcome(caseUrl(x), await x.api.post(`${caseApi(x)}/contacts`, { channel: x.form.channel ?? '', outcome: x.form.outcome ?? '', ...(note ? { note } : {}) }, x.form.idem));
  });
  post(`${CONSOLE}/collections/:customerId/:caseId/promise`, async (x) =>
    outcome(caseUrl(x), await x.api.post(`${caseApi(x)}/promises`, { promisedOn: x.form.promisedOn ?? '', amount: x.form.amount ?? '' }, x.form.idem)));
  post(`${CONSOLE}/collections/:customerId/:caseId/hardship`, async (x) => {
    const planId = x.form.planId ?? '';
    if (!isUuid(planId)) return { to: caseUrl(x), err: 'validation_failed' };
    return outcome(caseUrl(x), await x.api.post(`/v1/collections/customers/${x.params.customerId}/plans/${planId}/hardship-offers`, {
      terms: Number(x.form.terms), penaltyWaived: x.form.penaltyWaived ?? '0.00',
    }, x.form.idem));
  });

  // ── Approvals ──────────────────────────────────────────────────────────────
  app.get(consolePaths.approvals, hidden, withStaff(async (x) => {
    const r = await x.api.get<{ items: any[] }>('/v1/service/approvals?status=pending');
    return sendPage(x.reply, approvalsPage(x.v, { items: r.ok ? r.body.items : [], formKey: newFormKey(), ...flash(x), ...(r.ok ? {} : { error: x.v.c.refused(r.code) }) }), r.ok ? 200 : r.status);
  }));
  for (const decision of ['approve', 'reject'] as const) {
    post(`${CONSOLE}/approvals/:approvalId/${decision}`, async (x) => {
      const note = (x.form.note ?? '').trim();
      return outcome(consolePaths.approvals, await x.api.post(`/v1/service/approvals/${x.params.approvalId}/${decision}`, note ? { note } : {}, decision === 'approve' ? x.form.idem : undefined));
    });
  }
};
