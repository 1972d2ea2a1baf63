import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../../app/deps.ts';
import { domainError } from '../../../core/errors.ts';
import { isGatewayName } from '../../../core/payments/payment-status.ts';
import { reconcile } from '../../../app/payments/reconcile.ts';
import { guards } from '../auth.ts';
import { sendProblem } from '../problem.ts';
import { ProblemSchema } from '../schemas.ts';

const Problems = { 200: Type.Object({}, { additionalProperties: true }), 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 422: ProblemSchema };
const security = [{ bearer: [] }];

/** Operations' side of payments: reconciliation (对账) runs and their results, and payment alerts. */
export const paymentAdminRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox => async (app) => {
  const guard = guards(deps);
  const Day = Type.Object({ gateway: Type.String({ enum: ['sandbox', 'alipay', 'wechatpay'] }), date: Type.String({ format: 'date' }) });

  app.post('/v1/admin/reconciliations', {
    preHandler: guard.staff('operator'),
    schema: { tags: ['admin'], summary: "Reconcile a gateway's statement for a day against recorded payments (idempotent)", security, body: Day, response: { ...Problems } },
  }, async (req, reply) => {
    if (!isGatewayName(req.body.gateway)) return reply;
    const r = await reconcile(deps, req.body.gateway, req.body.date);
    if (!r.ok) return sendProblem(reply, r.error);
    return r.value;
  });

  app.get('/v1/admin/reconciliations/:gateway/:date', {
    preHandler: guard.staff('operator', 'supervisor', 'auditor'),
    schema: { tags: ['admin'], summary: 'The stored result of a reconciliation', security, params: Day, response: { ...Problems } },
  }, async (req, reply) => {
    const row = await deps.db.selectFrom('reconciliations').selectAll().where('gateway', '=', req.params.gateway).where('statement_date', '=', req.params.date).executeTakeFirst();
    if (!row) return sendProblem(reply, domainError('not_found', 'that day has not been reconciled'));
    return { ...(row.report as object), firstRunAt: row.first_run_at.toISOString(), lastRunAt: row.last_run_at.toISOString() };
  });

  app.get('/v1/admin/payment-alerts', {
    preHandler: guard.staff('operator', 'agent', 'supervisor', 'auditor'),
    schema: { tags: ['admin'], summary: 'Payment alerts for operations, newest first', security, querystring: Type.Object({ open: Type.Optional(Type.String({ enum: ['true', 'false'] })) }), response: { ...Problems } },
  }, async (req) => {
    let q = deps.db.selectFrom('alerts').selectAll().orderBy('last_seen_at', 'desc').limit(200);
    if (req.query.open !== 'false') q = q.where('acknowledged_at', 'is', null);
    const rows = await q.execute();
    return {
      items: rows.map((a) => ({
        id: a.id, kind: a.kind, severity: a.severity, gateway: a.gateway, outTradeNo: a.out_trade_no, message: a.message, details: a.details,
        occurrences: a.occurrences, createdAt: a.created_at.toISOString(), lastSeenAt: a.last_seen_at.toISOString(), acknowledgedAt: a.acknowledged_at?.toISOString() ?? null,
      })),
    };
  });

  app.post('/v1/admin/payment-alerts/:id/acknowledge', {
    preHandler: guard.staff('operator'),
    schema: { tags: ['admin'], summary: 'Acknowledge a payment alert', security, params: Type.Object({ id: Type.String({ format: 'uuid' }) }), response: { ...Problems } },
  }, async (req, reply) => {
    const r = await deps.db.updateTable('alerts').set({ acknowledged_at: deps.clock.now() }).where('id', '=', req.params.id).where('acknowledged_at', 'is', null).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return sendProblem(reply, domainError('not_found', 'no open alert with that id'));
    return { id: req.params.id, acknowledged: true };
  });
};
