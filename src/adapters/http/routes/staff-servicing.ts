import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../../app/deps.ts';
import { postRepayment } from '../../../app/servicing/post-repayment.ts';
import { reverseRepayment } from '../../../app/servicing/reverse-repayment.ts';
import { waiveCharges } from '../../../app/servicing/waive-charges.ts';
import { formatYuan, parseYuan } from '../../../core/money/parse.ts';
import { guards } from '../auth.ts';
import { runUseCase } from '../run-use-case.ts';
import { sendProblem } from '../problem.ts';
import { Money, ProblemSchema, RepaymentFields, RepaymentSchema } from '../schemas.ts';
import { repaymentView } from '../views/repayment-view.ts';
import { parseRepaymentRequest } from './repayment-request.ts';

const Uuid = Type.String({ format: 'uuid' });
const Problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema };
const Reason = Type.String({ minLength: 3, maxLength: 500 });

/** Operations' money actions on a customer's account: record an offline payment, reverse one, waive a charge. */
export const staffServicingRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox => async (app) => {
  const guard = guards(deps);

  app.post('/v1/admin/customers/:customerId/repayments', {
    preHandler: guard.staff('operator'),
    schema: {
      tags: ['admin'], summary: 'Record a repayment received offline (bank transfer, manual)', security: [{ bearer: [] }],
      params: Type.Object({ customerId: Uuid }),
      body: Type.Object({ ...RepaymentFields, channel: Type.String({ enum: ['bank', 'manual'] }), externalRef: Type.String({ minLength: 1, maxLength: 128 }) }, {
        additionalProperties: false,
        examples: [{ kind: 'bill', amount: '536.00', channel: 'bank', externalRef: 'ICBC-20260210-0001' }],
      }),
      response: { 201: RepaymentSchema, ...Problems },
    },
  }, async (req, reply) => {
    const parsed = parseRepaymentRequest(req.body);
    if (!parsed.ok) return sendProblem(reply, parsed.error);
    const body = req.body as typeof req.body & { channel: 'bank' | 'manual' };
    return runUseCase(deps, req, reply, (ctx) => postRepayment(ctx, {
      customerId: req.params.customerId, target: parsed.value.target, amount: parsed.value.amount, channel: body.channel, externalRef: body.externalRef,
    }), { requireIdempotencyKey: true, status: 201, respond: repaymentView });
  });

  app.post('/v1/admin/customers/:customerId/repayments/:repaymentId/reverse', {
    preHandler: guard.staff('operator'),
    schema: {
      tags: ['admin'], summary: 'Reverse a repayment (e.g. a failed settlement), re-opening exactly what it paid', security: [{ bearer: [] }],
      params: Type.Object({ customerId: Uuid, repaymentId: Uuid }),
      body: Type.Object({ reason: Reason }, { additionalProperties: false, examples: [{ reason: 'bank returned the transfer' }] }),
      response: { 200: Type.Object({ repaymentId: Type.String(), status: Type.Literal('reversed'), reopenedPlanIds: Type.Array(Type.String()) }), ...Problems },
    },
  }, async (req, reply) => runUseCase(deps, req, reply,
    (ctx) => reverseRepayment(ctx, { customerId: req.params.customerId, repaymentId: req.params.repaymentId, reason: req.body.reason }),
    { respond: (r) => ({ repaymentId: r.repaymentId, status: 'reversed' as const, reopenedPlanIds: r.reopenedPlanIds }) }));

  app.post('/v1/admin/customers/:customerId/plans/:planId/waivers', {
    preHandler: guard.staff('operator', 'supervisor'),
    schema: {
      tags: ['admin'], summary: 'Waive part of a penalty, fee or interest with a reason', security: [{ bearer: [] }],
      params: Type.Object({ customerId: Uuid, planId: Uuid }),
      body: Type.Object({
        installmentNumber: Type.Integer({ minimum: 1, maximum: 360 }), component: Type.String({ enum: ['penalty', 'fee', 'interest'] }), amount: Money, reason: Reason,
      }, { additionalProperties: false, examples: [{ installmentNumber: 1, component: 'penalty', amount: '3.20', reason: 'customer could not reach the repayment page on the due date' }] }),
      response: { 201: Type.Object({ waiverId: Type.String(), amount: Money, planPaidOff: Type.Boolean() }), ...Problems },
    },
  }, async (req, reply) => {
    const amount = parseYuan(req.body.amount, { field: 'amount', allowZero: false });
    if (!amount.ok) return sendProblem(reply, amount.error);
    return runUseCase(deps, req, reply, (ctx) => waiveCharges(ctx, {
      customerId: req.params.customerId, planId: req.params.planId, installmentNumber: req.body.installmentNumber,
      component: req.body.component as 'penalty' | 'fee' | 'interest', amount: amount.value, reason: req.body.reason,
    }), { status: 201, respond: (w) => ({ waiverId: w.waiverId, amount: formatYuan(w.amount), planPaidOff: w.planPaidOff }) });
  });
};
