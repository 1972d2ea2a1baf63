import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../../app/deps.ts';
import type { ErrorCode } from '../../../core/errors.ts';
import { formatYuan } from '../../../core/money/parse.ts';
import { isGatewayName } from '../../../core/payments/payment-status.ts';
import { autoDebitRecord, cancelAgreement, signAgreement, type AgreementRow, type AttemptRow } from '../../../app/payments/autodebit/agreements.ts';
import { actorOf, guards } from '../auth.ts';
import { handleAgreementNotification, refreshSigning } from '../../../app/payments/autodebit/agreement-notifications.ts';
import { notifyEndpoint } from './payments.ts';
import { sendProblem } from '../problem.ts';
import { Money, ProblemSchema } from '../schemas.ts';

const STATUS: Partial<Record<ErrorCode, number>> = { gateway_unavailable: 502, gateway_not_configured: 422, conflict: 409, not_found: 404, plan_not_found: 404 };
const Problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema, 502: ProblemSchema };

const AgreementSchema = Type.Object({
  id: Type.String(), planId: Type.Union([Type.String(), Type.Null()], { description: 'null: all plans' }), gateway: Type.String(),
  status: Type.String({ enum: ['signing', 'active', 'cancelled', 'revoked', 'failed'], description: 'signing: open signUrl to sign in the wallet app' }),
  signUrl: Type.Union([Type.String(), Type.Null()]), createdAt: Type.String(), endedAt: Type.Union([Type.String(), Type.Null()]),
  endReason: Type.Union([Type.String(), Type.Null()]),
});
const AttemptSchema = Type.Object({
  id: Type.String(), agreementId: Type.String(), dueDate: Type.String(), time: Type.String(), amount: Money,
  result: Type.String({ enum: ['running', 'succeeded', 'insufficient_funds', 'agreement_revoked', 'failed', 'skipped'] }),
  reason: Type.Union([Type.String(), Type.Null()]), paymentId: Type.Union([Type.String(), Type.Null()]),
});
const RecordSchema = Type.Object({ agreements: Type.Array(AgreementSchema), attempts: Type.Array(AttemptSchema, { description: '扣款记录, newest first' }) });

const agreementView = (a: AgreementRow) => ({
  id: a.id, planId: a.plan_id, gateway: a.gateway, status: a.status, signUrl: a.status === 'signing' ? a.sign_url : null, createdAt: a.created_at.toISOString(),
  endedAt: a.ended_at ? a.ended_at.toISOString() : null, endReason: a.end_reason,
});
const attemptView = (a: AttemptRow) => ({
  id: a.id, agreementId: a.agreement_id, dueDate: a.due_date, time: (a.finished_at ?? a.created_at).toISOString(), amount: formatYuan(a.amount_fen),
  result: a.result, reason: a.reason, paymentId: a.payment_id,
});
const recordView = (r: Awaited<ReturnType<typeof autoDebitRecord>>) => ({ agreements: r.agreements.map(agreementView), attempts: r.attempts.map(attemptView) });

/** 自动扣款: sign, view and cancel auto-debit agreements; every attempt is visible to the customer and to customer service. */
export const autoDebitRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox => async (app) => {
  const guard = guards(deps);
  const security = [{ bearer: [] }];

  app.post('/v1/me/autodebit', {
    preHandler: guard.customer,
    schema: {
      tags: ['customer'], summary: 'Sign an auto-debit agreement for one plan, or for all plans', security,
      body: Type.Object({ planId: Type.Optional(Type.String({ format: 'uuid' })), gateway: Type.String({ enum: ['sandbox', 'alipay', 'wechatpay'] }) }, { additionalProperties: false }),
      response: { 201: AgreementSchema, ...Problems },
    },
  }, async (req, reply) => {
    const p = req.principal!;
    if (p.kind !== 'customer' || !isGatewayName(req.body.gateway)) return reply;
    const r = await signAgreement(deps, actorOf(p, req.ip), { customerId: p.customerId, gateway: req.body.gateway, ...(req.body.planId ? { planId: req.body.planId } : {}) });
    if (!r.ok) return sendProblem(reply, r.error, STATUS[r.error.code]);
    return reply.code(201).send(agreementView(r.value));
  });

  app.delete('/v1/me/autodebit/:id', {
    preHandler: guard.customer,
    schema: { tags: ['customer'], summary: 'Cancel an auto-debit agreement', security, params: Type.Object({ id: Type.String({ format: 'uuid' }) }), response: { 200: AgreementSchema, ...Problems } },
  }, async (req, reply) => {
    const p = req.principal!;
    if (p.kind !== 'customer') return reply;
    const r = await cancelAgreement(deps, actorOf(p, req.ip), p.customerId, req.params.id);
    if (!r.ok) return sendProblem(reply, r.error, STATUS[r.error.code]);
    return agreementView(r.value);
  });

  app.get('/v1/me/autodebit', {
    preHandler: guard.customer,
    schema: { tags: ['customer'], summary: 'My auto-debit agreements and 扣款记录 (every attempt)', security, response: { 200: RecordSchema, ...Problems } },
  }, async (req, reply) => {
    const p = req.principal!;
    if (p.kind !== 'customer') return reply;
    await refreshSigning(deps, p.customerId);
    return recordView(await autoDebitRecord(deps.db, p.customerId));
  });

  // Gateways' notifications about agreements (signed, revoked in the wallet), verified like payment notifications.
  await app.register(notifyEndpoint('/v1/payments/agreements/notify/:gateway', (name, raw) => handleAgreementNotification(deps, name, raw)));

  app.get('/v1/admin/customers/:customerId/autodebit', {
    preHandler: guard.staff('operator', 'agent', 'supervisor', 'auditor'),
    schema: { tags: ['admin'], summary: "A customer's auto-debit agreements and attempts", security, params: Type.Object({ customerId: Type.String({ format: 'uuid' }) }), response: { 200: RecordSchema, ...Problems } },
  }, async (req) => recordView(await autoDebitRecord(deps.db, req.params.customerId)));
};
