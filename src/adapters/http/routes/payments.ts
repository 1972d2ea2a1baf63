import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import type { AppDeps } from '../../../app/deps.ts';
import { domainError, type DomainError, type ErrorCode } from '../../../core/errors.ts';
import { isGatewayName, CUSTOMER_STATE_LABELS, customerState, type GatewayName } from '../../../core/payments/payment-status.ts';
import type { NotificationReply, RawNotification } from '../../../app/payments/ports.ts';
import { startPayment } from '../../../app/payments/start-payment.ts';
import { handleNotification } from '../../../app/payments/handle-notification.ts';
import { refreshCustomerPayment } from '../../../app/payments/refresh-payment.ts';
import { findByOutTradeNo } from '../../../app/payments/payment-store.ts';
import { listCustomerPayments } from '../../../app/payments/list-payments.ts';
import { fingerprint } from '../../db/idempotency.ts';
import { actorOf, guards, idempotencyKeyOf, scopeOf } from '../auth.ts';
import { sendProblem } from '../problem.ts';
import { ProblemSchema, RepaymentFields } from '../schemas.ts';
import { parseRepaymentRequest } from './repayment-request.ts';
import { PaymentSchema, paymentView } from './payment-view.ts';
import { sandboxRoutes } from '../../gateways/sandbox/cashier-routes.ts';
import { autoDebitRoutes } from './payments-autodebit.ts';
import { paymentAdminRoutes } from './payments-admin.ts';
import { escapeHtml } from '../../gateways/sandbox/cashier-page.ts';

/** Statuses for the payment codes (until problem.ts's table lists them). */
const STATUS: Partial<Record<ErrorCode, number>> = { payment_in_flight: 409, payment_not_found: 404, gateway_unavailable: 502, gateway_not_configured: 422 };
const problem = (reply: FastifyReply, e: DomainError) => sendProblem(reply, e, STATUS[e.code]);
const Problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema, 502: ProblemSchema };

/**
 * An endpoint gateways post notifications to, in its own scope that parses nothing: WeChat
 * Pay signs the exact bytes, and Alipay's form must be read as sent. Headers reach the
 * adapters lower-cased, one string each.
 */
export const notifyEndpoint = (path: string, handle: (name: GatewayName, raw: RawNotification) => Promise<NotificationReply>): FastifyPluginAsyncTypebox => async (scope) => {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 65_536 }, (_req, body, done) => done(null, body));
  scope.post(path, { schema: { hide: true } }, async (req, reply) => {
    const name = (req.params as { gateway: string }).gateway;
    if (!isGatewayName(name)) return reply.code(404).type('text/plain').send('unknown gateway');
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
    const answer = await handle(name, { headers, rawBody: typeof req.body === 'string' ? req.body : '' });
    return reply.code(answer.status).type(answer.contentType).send(answer.body);
  });
};

/**
 * Payments through gateways: the customer starts one and is sent to a cashier (or shown a
 * QR code); the gateway's notification settles it. Customers see "processing" (处理中)
 * until the gateway has told us, never "unpaid".
 */
export const paymentRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox => async (app) => {
  const guard = guards(deps);

  app.post('/v1/me/payments', {
    preHandler: guard.customer,
    schema: {
      tags: ['customer'], summary: 'Pay an installment, a bill, any amount or a payoff through a payment gateway', security: [{ bearer: [] }],
      headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ description: 'required: one key per payment attempt' })) }),
      body: Type.Object({ ...RepaymentFields, gateway: Type.String({ enum: ['sandbox', 'alipay', 'wechatpay'] }) }, {
        additionalProperties: false, examples: [{ kind: 'installment', planId: '0192f0c8-5c2a-7000-8000-000000000001', installmentNumber: 1, amount: '536.00', gateway: 'sandbox' }],
      }),
      response: { 201: PaymentSchema, ...Problems },
    },
  }, async (req, reply) => {
    const principal = req.principal!;
    if (principal.kind !== 'customer') return reply;
    const key = idempotencyKeyOf(req);
    if (key === 'invalid' || !key) return problem(reply, domainError('validation_failed', 'this request moves money: send an Idempotency-Key header (1–255 visible ASCII characters)', 'Idempotency-Key'));
    const { gateway, ...rest } = req.body;
    const parsed = parseRepaymentRequest(rest);
    if (!parsed.ok) return problem(reply, parsed.error);
    if (!isGatewayName(gateway)) return problem(reply, domainError('validation_failed', 'unknown gateway', 'gateway'));
    const r = await startPayment(deps, actorOf(principal, req.ip), { customerId: principal.customerId, gateway, ...parsed.value }, {
      scope: scopeOf(principal), key, fingerprint: fingerprint([req.method, req.routeOptions.url, req.params, req.body]),
    });
    if (!r.ok) return problem(reply, r.error);
    if (r.value.replayed) reply.header('idempotent-replayed', 'true');
    return reply.code(201).send(paymentView(r.value.payment));
  });

  app.get('/v1/me/payments', {
    preHandler: guard.customer,
    schema: {
      tags: ['customer'], summary: 'My payments, newest first', security: [{ bearer: [] }],
      querystring: Type.Object({ limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$' })) }),
      response: { 200: Type.Object({ items: Type.Array(PaymentSchema) }), ...Problems },
    },
  }, async (req, reply) => {
    const principal = req.principal!;
    if (principal.kind !== 'customer') return reply;
    const limit = Math.min(Math.max(Number(req.query.limit ?? 20), 1), 100);
    return { items: (await listCustomerPayments(deps.db, principal.customerId, limit)).map(paymentView) };
  });

  app.get('/v1/me/payments/:id', {
    preHandler: guard.customer,
    schema: {
      tags: ['customer'], summary: 'One payment; refresh=true asks the gateway first when it is still processing', security: [{ bearer: [] }],
      params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
      querystring: Type.Object({ refresh: Type.Optional(Type.String({ enum: ['true', 'false'] })) }),
      response: { 200: PaymentSchema, ...Problems },
    },
  }, async (req, reply) => {
    const principal = req.principal!;
    if (principal.kind !== 'customer') return reply;
    const p = req.query.refresh === 'true'
      ? await refreshCustomerPayment(deps, principal.customerId, req.params.id)
      : await deps.db.selectFrom('payments').selectAll().where('customer_id', '=', principal.customerId).where('id', '=', req.params.id).executeTakeFirst();
    if (!p) return problem(reply, domainError('payment_not_found', 'no such payment'));
    return paymentView(p);
  });

  // Where the customer lands after the cashier: shows the result, asking the gateway first.
  app.get('/v1/payments/return/:outTradeNo', { schema: { hide: true, params: Type.Object({ outTradeNo: Type.String({ pattern: '^[0-9a-f]{32}$' }) }) } }, async (req, reply) => {
    const found = await findByOutTradeNo(deps.db, req.params.outTradeNo);
    const p = found ? await refreshCustomerPayment(deps, found.customer_id, found.id) : undefined;
    const label = p ? CUSTOMER_STATE_LABELS[customerState(p.status)] : '未找到该笔付款';
    return reply.type('text/html; charset=utf-8').send(`<!doctype html><meta charset="utf-8"><title>Fenqi</title><h1>${escapeHtml(label)}</h1>`);
  });

  // Gateways' asynchronous notifications. Raw body: WeChat Pay signs the exact bytes, and
  // Alipay's form must be read as sent; so this scope parses nothing itself.
  await app.register(notifyEndpoint('/v1/payments/notify/:gateway', (name, raw) => handleNotification(deps, name, raw)));

  await app.register(sandboxRoutes(deps));
  await app.register(autoDebitRoutes(deps));
  await app.register(paymentAdminRoutes(deps));
};
