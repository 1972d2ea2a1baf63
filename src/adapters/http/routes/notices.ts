import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../../../app/deps.ts';
import { execute } from '../../../app/execute.ts';
import { systemActor } from '../../../app/context.ts';
import { listInbox, markInboxRead, INBOX_PAGE_MAX } from '../../../app/notices/inbox.ts';
import { confirmEmail, getNoticePreferences, setNoticePreferences } from '../../../app/notices/notice-preferences.ts';
import { openRepaymentLink, type RepaymentLinkView } from '../../../app/notices/open-repayment-link.ts';
import { requestNewLink } from '../../../app/notices/request-new-link.ts';
import { noticeServicesOf } from '../../../app/notices/services.ts';
import { peekLinkTarget } from '../../../core/links/repayment-link.ts';
import { localeFromAcceptLanguage } from '../../../core/notices/format.ts';
import { formatYuan } from '../../../core/money/parse.ts';
import { ok } from '../../../core/result.ts';
import { invariant } from '../../../core/result.ts';
import { actorOf, guards } from '../auth.ts';
import { sendProblem } from '../problem.ts';
import { Money, ProblemSchema } from '../schemas.ts';
import { sendLinkPage } from './notice-pages.ts';

const Denied = { 401: ProblemSchema, 403: ProblemSchema };
const ForCustomer = { tags: ['notices'], security: [{ bearer: [] }] };
const TokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) });

const InboxMessageSchema = Type.Object({
  id: Type.String(), kind: Type.String(), title: Type.String(), body: Type.String(),
  actionPath: Type.Union([Type.String(), Type.Null()], { description: 'portal path the message button opens, e.g. /portal/pay?dueDate=2026-02-10' }),
  createdAt: Type.String({ format: 'date-time' }), readAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
const InboxSchema = Type.Object({ unread: Type.Integer(), messages: Type.Array(InboxMessageSchema), next: Type.Union([Type.String(), Type.Null()]) });
const PreferencesSchema = Type.Object({
  locale: Type.String({ enum: ['zh-CN', 'en'] }),
  email: Type.Union([Type.String(), Type.Null()], { description: 'verified address notices go to' }),
  pendingEmail: Type.Union([Type.String(), Type.Null()], { description: 'address waiting for its verification link' }),
});
const LinkViewSchema = Type.Object({
  status: Type.String({ enum: ['due', 'nothing_due', 'expired', 'invalid'] }),
  dueDate: Type.Optional(Type.String()), amountDue: Type.Optional(Money), lateCharges: Type.Optional(Money), daysPastDue: Type.Optional(Type.Integer()),
  billStatus: Type.Optional(Type.String()), phoneTail: Type.Optional(Type.Union([Type.String(), Type.Null()])), payPath: Type.Optional(Type.String()),
  expiresAt: Type.Optional(Type.String({ format: 'date-time' })), locale: Type.Optional(Type.String()),
});

function me(req: FastifyRequest): string {
  const p = req.principal;
  invariant(p?.kind === 'customer', 'guard.customer ran before this handler');
  return p.customerId;
}

/**
 * Notices: the customer's inbox and notice preferences (/v1/me), and the repayment links
 * notices carry (/r/:token, public: the token is the credential). A link page shows the
 * figures of the one customer it was signed for, and only while it is valid; every other
 * state explains what to do next and shows nothing about anyone.
 */
export interface NoticeRouteOptions {
  /**
   * Serve the repayment-link pages (GET /r/:token, POST /r/:token/renew). Off while the
   * portal (src/web) registers its own GET /r/:token: one of the two must own the path.
   */
  linkPages?: boolean;
}

export const noticeRoutes = (deps: AppDeps, options: NoticeRouteOptions = {}): FastifyPluginAsyncTypebox => async (app) => {
  const guard = guards(deps);
  // The expired-link page posts a plain HTML form; its body carries nothing we read.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, _body, done) => done(null, {}));

  app.get('/v1/me/inbox', {
    preHandler: guard.customer,
    schema: {
      ...ForCustomer, summary: 'My inbox (站内信), newest first',
      querystring: Type.Object({ limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$', description: `1–${INBOX_PAGE_MAX} (query strings are not coerced: digits)` })), before: Type.Optional(Type.String({ format: 'uuid' })) }),
      response: { 200: InboxSchema, 400: ProblemSchema, ...Denied },
    },
  }, async (req) => {
    const page = await listInbox(deps, me(req), Math.min(INBOX_PAGE_MAX, Number(req.query.limit ?? 20)), req.query.before ?? null);
    return { ...page, messages: page.messages.map((m) => ({ id: m.id, kind: m.kind, title: m.title, body: m.body, actionPath: m.actionPath, createdAt: m.createdAt.toISOString(), readAt: m.readAt?.toISOString() ?? null })) };
  });

  app.post('/v1/me/inbox/:id/read', {
    preHandler: guard.customer,
    schema: {
      ...ForCustomer, summary: 'Mark one of my inbox messages read (idempotent)', params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
      response: { 200: Type.Object({ id: Type.String(), readAt: Type.String({ format: 'date-time' }) }), 400: ProblemSchema, 404: ProblemSchema, ...Denied },
    },
  }, async (req, reply) => {
    const r = await markInboxRead(deps, me(req), req.params.id);
    return r.ok ? { id: r.value.id, readAt: r.value.readAt.toISOString() } : sendProblem(reply, r.error);
  });

  app.get('/v1/me/notice-preferences', {
    preHandler: guard.customer,
    schema: { ...ForCustomer, summary: 'My notice language and email address', response: { 200: PreferencesSchema, ...Denied } },
  }, async (req) => getNoticePreferences(deps, me(req)));

  app.put('/v1/me/notice-preferences', {
    preHandler: guard.customer,
    schema: {
      ...ForCustomer, summary: 'Set my notice language and/or email address (a new address is used once its verification link is opened)',
      body: Type.Object({ locale: Type.Optional(Type.String({ enum: ['zh-CN', 'en'] })), email: Type.Optional(Type.Union([Type.String({ maxLength: 254 }), Type.Null()])) }, { additionalProperties: false }),
      response: { 200: Type.Object({ ...PreferencesSchema.properties, verificationSent: Type.Boolean() }), 400: ProblemSchema, 422: ProblemSchema, ...Denied },
    },
  }, async (req, reply) => {
    const customerId = me(req);
    const r = await execute(deps, actorOf(req.principal!, req.ip), (ctx) => setNoticePreferences(ctx, customerId, req.body));
    if (!r.ok) return sendProblem(reply, r.error);
    invariant(!r.replayed, 'no idempotency key is used here');
    // Sent after commit, so a rolled-back change never mails anyone.
    let verificationSent = false;
    if (r.value.verification) {
      const sent = await noticeServicesOf(deps).senders.email.send(r.value.verification);
      verificationSent = sent.ok;
      if (!sent.ok) deps.log('email verification not sent', { error: sent.error });
    }
    return { ...r.value.preferences, verificationSent };
  });

  app.get('/v1/repayment-links/:token', {
    schema: {
      tags: ['notices'], summary: 'What a repayment link opens on, for the portal (figures only while the link is valid)', params: TokenParams,
      response: { 200: LinkViewSchema, 400: ProblemSchema },
    },
  }, async (req) => linkJson(await openRepaymentLink(deps, req.params.token)));

  if (options.linkPages === false) return;

  app.get('/r/:token', { schema: { hide: true, params: TokenParams } }, async (req, reply) => {
    const { token } = req.params;
    const settings = noticeServicesOf(deps).settings;
    const fallback = localeFromAcceptLanguage(req.headers['accept-language']);
    if (peekLinkTarget(token)?.kind === 'email') {
      const r = await execute(deps, { ...systemActor, ip: req.ip }, async (ctx) => ok(await confirmEmail(ctx, token)));
      const v = r.ok && !r.replayed ? r.value : { status: 'invalid' as const };
      return sendLinkPage(reply, v.status === 'verified' ? { status: 'email_verified', locale: v.locale } : { status: v.status }, fallback, settings.loginPath, '');
    }
    const view = await openRepaymentLink(deps, token);
    if (view.status === 'due' && settings.linkMode === 'redirect') {
      return reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').redirect(view.payPath, 303);
    }
    return sendLinkPage(reply, view, fallback, settings.loginPath, `/r/${encodeURIComponent(token)}/renew`);
  });

  app.post('/r/:token/renew', { schema: { hide: true, params: TokenParams } }, async (req, reply) => {
    await execute(deps, { ...systemActor, ip: req.ip }, async (ctx) => ok(await requestNewLink(ctx, req.params.token)));
    return sendLinkPage(reply, { status: 'renewal_requested' }, localeFromAcceptLanguage(req.headers['accept-language']), noticeServicesOf(deps).settings.loginPath, '');
  });
};

function linkJson(view: RepaymentLinkView) {
  if (view.status !== 'due') return { status: view.status, ...('locale' in view ? { locale: view.locale } : {}) };
  return {
    status: view.status, locale: view.locale, dueDate: view.dueDate, amountDue: formatYuan(view.amountDueFen), lateCharges: formatYuan(view.lateChargesFen),
    daysPastDue: view.daysPastDue, billStatus: view.billStatus, phoneTail: view.phoneTail, payPath: view.payPath, expiresAt: view.expiresAt.toISOString(),
  };
}
