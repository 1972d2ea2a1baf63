import { Type } from 'typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../../app/deps.ts';
import type { Actor, TxContext } from '../../../app/context.ts';
import type { Notification } from '../../../app/ports.ts';
import { execute } from '../../../app/execute.ts';
import { flattenVerified } from '../../../app/customers/otp-codes.ts';
import { sendLoginOtp, type OtpSent } from '../../../app/customers/send-login-otp.ts';
import { logInWithOtp } from '../../../app/customers/log-in-with-otp.ts';
import { logOut } from '../../../app/customers/log-out.ts';
import { logOutEverywhere } from '../../../app/customers/log-out-everywhere.ts';
import { sendReauthOtp } from '../../../app/customers/send-reauth-otp.ts';
import { reauthenticate } from '../../../app/customers/reauthenticate.ts';
import { getAccount } from '../../../app/customers/get-account.ts';
import { sendPhoneChangeOtp } from '../../../app/customers/send-phone-change-otp.ts';
import { changePhone } from '../../../app/customers/change-phone.ts';
import { cancelAccount } from '../../../app/customers/cancel-account.ts';
import { OTP_DIGITS, OTP_TTL_MS } from '../../../core/auth/otp.ts';
import type { DomainError } from '../../../core/errors.ts';
import { parsePhone } from '../../../core/privacy/phone.ts';
import { err, invariant, ok, type Result } from '../../../core/result.ts';
import { actorOf, guards, hashToken, SESSION_PREFIX } from '../auth.ts';
import { sendProblem } from '../problem.ts';
import { ProblemSchema } from '../schemas.ts';

const PhoneField = Type.String({ minLength: 11, maxLength: 20, examples: ['13800138000'] });
const CodeField = Type.String({ pattern: `^\\d{${OTP_DIGITS}}$`, description: 'the 6-digit code from the SMS', examples: ['042917'] });
const CodeSent = Type.Object({ expiresInSeconds: Type.Integer({ examples: [300] }) }, { description: 'a code is on its way (if the number can receive one)' });
const Problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema, 429: ProblemSchema };
const Session = Type.Object({
  token: Type.String({ description: 'send as Authorization: Bearer <token>' }), tokenType: Type.Literal('Bearer'),
  expiresAt: Type.String({ format: 'date-time' }), customerId: Type.String(),
});
const Account = Type.Object({
  customerId: Type.String(), phone: Type.Union([Type.String({ examples: ['138****8000'] }), Type.Null()]),
  status: Type.String({ enum: ['active', 'cancelled'] }), createdAt: Type.String({ format: 'date-time' }),
  statementDay: Type.Integer({ description: '账单日, day of month' }), dueDay: Type.Integer({ description: '还款日, day of month' }),
  reauthenticatedUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'sensitive actions allowed until then without a new code' }),
});
const customerOnly = { tags: ['customer auth'], security: [{ bearer: [] }] };

/** Runs a use case in one transaction; these endpoints take no Idempotency-Key (nothing here moves money). */
async function run<T>(deps: AppDeps, actor: Actor, work: (ctx: TxContext) => Promise<Result<T, DomainError>>): Promise<Result<T, DomainError>> {
  const r = await execute(deps, actor, work);
  if (!r.ok) return err(r.error);
  invariant(!r.replayed, 'a replay needs an idempotency key, and none was given');
  return ok(r.value);
}

/** problem+json, with Retry-After on rate limits. */
function fail(reply: FastifyReply, e: DomainError): FastifyReply {
  const retry = e.details?.retryAfterSeconds;
  if (typeof retry === 'number') reply.header('retry-after', String(retry));
  // Until src/adapters/http/problem.ts maps reauthentication_required to 403 (it is a permission, not bad input).
  return sendProblem(reply, e, e.code === 'reauthentication_required' ? 403 : undefined);
}

/**
 * Sends after commit, so a rolled-back request never texts anyone. A failed send is logged and
 * the request still succeeds: the customer can ask again, and an error here would tell a
 * prober that the number is a customer's.
 */
async function deliver(deps: AppDeps, notice: Notification | null): Promise<void> {
  if (!notice) return;
  try { await deps.notifier.send(notice); } catch (e) { deps.log('notification failed', { template: notice.template, error: String(e) }); }
}

async function codeSent(deps: AppDeps, reply: FastifyReply, r: Result<OtpSent, DomainError>) {
  if (!r.ok) return fail(reply, r.error);
  await deliver(deps, r.value.notice);
  return reply.send({ expiresInSeconds: OTP_TTL_MS / 1000 });
}

const otpActor = (req: FastifyRequest): Actor => ({ kind: 'system', id: 'otp', ip: req.ip });

function me(req: FastifyRequest) {
  const p = req.principal;
  invariant(p?.kind === 'customer', 'guard.customer ran before this handler');
  return { customerId: p.customerId, tokenHash: p.tokenHash, actor: actorOf(p, req.ip) };
}

/** A session token the client sends along to login is ended by it (the new one replaces it). */
function previousSession(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : '';
  return token.startsWith(SESSION_PREFIX) ? hashToken(token) : undefined;
}

export const customerAuthRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox => async (app) => {
  const guard = guards(deps);

  app.post('/v1/auth/otp', {
    schema: {
      tags: ['customer auth'], summary: 'Send a login code by SMS (6 digits, valid 5 minutes)',
      description: 'Answers the same whether or not the number is a customer. Limited per phone (1 a minute, 10 a day) and per IP (20 an hour): 429 rate_limited with Retry-After.',
      body: Type.Object({ phone: PhoneField }, { additionalProperties: false, examples: [{ phone: '13800138000' }] }),
      response: { 200: CodeSent, ...Problems },
    },
  }, async (req, reply) => {
    const phone = parsePhone(req.body.phone);
    if (!phone.ok) return fail(reply, phone.error);
    return codeSent(deps, reply, await run(deps, otpActor(req), (ctx) => sendLoginOtp(ctx, { phone: phone.value })));
  });

  app.post('/v1/auth/login', {
    schema: {
      tags: ['customer auth'], summary: 'Log in with phone and code: a new session token every time',
      description: 'Wrong, expired, used or unknown: 401 otp_invalid / otp_expired; after 5 wrong tries the code is locked (429 otp_too_many_attempts). A session token sent in Authorization is ended.',
      body: Type.Object({ phone: PhoneField, code: CodeField }, { additionalProperties: false, examples: [{ phone: '13800138000', code: '042917' }] }),
      response: { 200: Session, ...Problems },
    },
  }, async (req, reply) => {
    const phone = parsePhone(req.body.phone);
    if (!phone.ok) return fail(reply, phone.error);
    const replaces = previousSession(req);
    const r = flattenVerified(await run(deps, otpActor(req), (ctx) =>
      logInWithOtp(ctx, { phone: phone.value, code: req.body.code, ...(replaces ? { replacesTokenHash: replaces } : {}) })));
    if (!r.ok) return fail(reply, r.error);
    return { token: r.value.token, tokenType: 'Bearer' as const, expiresAt: r.value.expiresAt.toISOString(), customerId: r.value.customerId };
  });

  app.post('/v1/auth/logout', {
    preValidation: guard.customer, schema: { ...customerOnly, summary: 'End this session', response: { 204: Type.Null(), ...Problems } },
  }, async (req, reply) => {
    const { customerId, tokenHash, actor } = me(req);
    const r = await run(deps, actor, (ctx) => logOut(ctx, { customerId, tokenHash }));
    return r.ok ? reply.code(204).send(null) : fail(reply, r.error);
  });

  app.post('/v1/auth/logout-all', {
    preValidation: guard.customer, schema: { ...customerOnly, summary: 'End every session of this customer', response: { 204: Type.Null(), ...Problems } },
  }, async (req, reply) => {
    const { customerId, actor } = me(req);
    const r = await run(deps, actor, (ctx) => logOutEverywhere(ctx, { customerId }));
    return r.ok ? reply.code(204).send(null) : fail(reply, r.error);
  });

  app.post('/v1/auth/reauth/otp', {
    preValidation: guard.customer, schema: { ...customerOnly, summary: 'Send a re-authentication code to the current phone', response: { 200: CodeSent, ...Problems } },
  }, async (req, reply) => {
    const { customerId, actor } = me(req);
    return codeSent(deps, reply, await run(deps, actor, (ctx) => sendReauthOtp(ctx, { customerId })));
  });

  app.post('/v1/auth/reauth', {
    preValidation: guard.customer,
    schema: {
      ...customerOnly, summary: 'Confirm it is you: allows sensitive actions on this session for 10 minutes',
      body: Type.Object({ code: CodeField }, { additionalProperties: false, examples: [{ code: '042917' }] }),
      response: { 200: Type.Object({ reauthenticatedUntil: Type.String({ format: 'date-time' }) }), ...Problems },
    },
  }, async (req, reply) => {
    const { customerId, tokenHash, actor } = me(req);
    const r = flattenVerified(await run(deps, actor, (ctx) => reauthenticate(ctx, { customerId, tokenHash, code: req.body.code })));
    return r.ok ? { reauthenticatedUntil: r.value.validUntil.toISOString() } : fail(reply, r.error);
  });

  app.get('/v1/me/account', {
    preValidation: guard.customer, schema: { ...customerOnly, tags: ['customer account'], summary: 'My account: masked phone, status, statement and due day', response: { 200: Account, ...Problems } },
  }, async (req, reply) => {
    const { customerId, tokenHash, actor } = me(req);
    const r = await run(deps, actor, (ctx) => getAccount(ctx, { customerId, tokenHash }));
    if (!r.ok) return fail(reply, r.error);
    return { ...r.value, createdAt: r.value.createdAt.toISOString(), reauthenticatedUntil: r.value.reauthenticatedUntil?.toISOString() ?? null };
  });

  app.post('/v1/me/account/phone/otp', {
    preValidation: guard.customer,
    schema: {
      ...customerOnly, tags: ['customer account'], summary: 'Change phone, step 1: send a code to the new number (needs re-authentication)',
      body: Type.Object({ newPhone: PhoneField }, { additionalProperties: false, examples: [{ newPhone: '13900139000' }] }),
      response: { 200: CodeSent, ...Problems },
    },
  }, async (req, reply) => {
    const newPhone = parsePhone(req.body.newPhone, 'newPhone');
    if (!newPhone.ok) return fail(reply, newPhone.error);
    const { customerId, tokenHash, actor } = me(req);
    return codeSent(deps, reply, await run(deps, actor, (ctx) => sendPhoneChangeOtp(ctx, { customerId, tokenHash, newPhone: newPhone.value })));
  });

  app.post('/v1/me/account/phone', {
    preValidation: guard.customer,
    schema: {
      ...customerOnly, tags: ['customer account'], summary: 'Change phone, step 2: bind the new number; other sessions end',
      description: '409 phone_in_use when another account holds the number; 403 reauthentication_required without a re-authentication in the last 10 minutes.',
      body: Type.Object({ newPhone: PhoneField, code: CodeField }, { additionalProperties: false, examples: [{ newPhone: '13900139000', code: '042917' }] }),
      response: { 200: Type.Object({ phone: Type.String({ examples: ['139****9000'] }) }), ...Problems },
    },
  }, async (req, reply) => {
    const newPhone = parsePhone(req.body.newPhone, 'newPhone');
    if (!newPhone.ok) return fail(reply, newPhone.error);
    const { customerId, tokenHash, actor } = me(req);
    const r = flattenVerified(await run(deps, actor, (ctx) => changePhone(ctx, { customerId, tokenHash, newPhone: newPhone.value, code: req.body.code })));
    if (!r.ok) return fail(reply, r.error);
    await deliver(deps, r.value.notice);
    return { phone: r.value.phoneMasked };
  });

  app.post('/v1/me/account/cancel', {
    preValidation: guard.customer,
    schema: {
      ...customerOnly, tags: ['customer account'], summary: 'Cancel the account (注销): erases the phone number, ends every session',
      description: 'Needs re-authentication. 422 account_has_balance while anything is owed or a credit balance awaits refund. Plans, repayments and the ledger are kept (ids and amounts only).',
      response: { 200: Type.Object({ status: Type.Literal('cancelled'), cancelledAt: Type.String({ format: 'date-time' }) }), ...Problems },
    },
  }, async (req, reply) => {
    const { customerId, tokenHash, actor } = me(req);
    const r = await run(deps, actor, (ctx) => cancelAccount(ctx, { customerId, tokenHash }));
    if (!r.ok) return fail(reply, r.error);
    await deliver(deps, r.value.notice);
    return { status: 'cancelled' as const, cancelledAt: r.value.cancelledAt.toISOString() };
  });
};
