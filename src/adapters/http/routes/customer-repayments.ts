import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../../app/deps.ts';
import { postRepayment } from '../../../app/servicing/post-repayment.ts';
import { refundCreditBalance } from '../../../app/servicing/refund-credit-balance.ts';
import { formatYuan, parseYuan } from '../../../core/money/parse.ts';
import { guards } from '../auth.ts';
import { runUseCase } from '../run-use-case.ts';
import { sendProblem } from '../problem.ts';
import { Money, ProblemSchema, RepaymentFields, RepaymentSchema } from '../schemas.ts';
import { repaymentView } from '../views/repayment-view.ts';
import { parseRepaymentRequest } from './repayment-request.ts';

const Headers = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ description: 'required: one key per payment attempt' })) });
const Problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema };

/**
 * The customer pays. In this version money arrives through the built-in sandbox channel,
 * which settles at once, or from the customer's credit balance; real gateways post through
 * the same postRepayment use case when their verified notification arrives.
 */
export const customerRepaymentRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox => async (app) => {
  const guard = guards(deps);

  app.post('/v1/me/repayments', {
    preHandler: guard.customer,
    schema: {
      tags: ['customer'], summary: 'Repay an installment, a bill, any amount, or pay a plan off', security: [{ bearer: [] }], headers: Headers,
      body: Type.Object({ ...RepaymentFields, channel: Type.Optional(Type.String({ enum: ['sandbox', 'credit_balance'] })) }, {
        additionalProperties: false,
        examples: [{ kind: 'bill', amount: '536.00' }, { kind: 'installment', planId: '0192f0c8-5c2a-7000-8000-000000000001', installmentNumber: 1, amount: '536.00' }],
      }),
      response: { 201: RepaymentSchema, ...Problems },
    },
  }, async (req, reply) => {
    const principal = req.principal!;
    if (principal.kind !== 'customer') return reply;
    const parsed = parseRepaymentRequest(req.body);
    if (!parsed.ok) return sendProblem(reply, parsed.error);
    const channel = (req.body.channel ?? 'sandbox') as 'sandbox' | 'credit_balance';
    return runUseCase(deps, req, reply, (ctx) => postRepayment(ctx, {
      customerId: principal.customerId, target: parsed.value.target, amount: parsed.value.amount, channel,
    }), { requireIdempotencyKey: true, status: 201, respond: repaymentView });
  });

  app.post('/v1/me/credit-balance/refund', {
    preHandler: guard.customer,
    schema: {
      tags: ['customer'], summary: 'Refund the credit balance (溢缴款) to the original channel', security: [{ bearer: [] }], headers: Headers,
      body: Type.Object({ amount: Type.Optional(Money) }, { additionalProperties: false, examples: [{ amount: '12.50' }, {}] }),
      response: { 201: Type.Object({ refundId: Type.String(), amount: Money, channel: Type.String(), status: Type.String() }), ...Problems },
    },
  }, async (req, reply) => {
    const principal = req.principal!;
    if (principal.kind !== 'customer') return reply;
    let amount: number | undefined;
    if (req.body.amount !== undefined) {
      const parsed = parseYuan(req.body.amount, { field: 'amount', allowZero: false });
      if (!parsed.ok) return sendProblem(reply, parsed.error);
      amount = parsed.value;
    }
    return runUseCase(deps, req, reply, (ctx) => refundCreditBalance(ctx, { customerId: principal.customerId, channel: 'sandbox', ...(amount ? { amount } : {}) }),
      { requireIdempotencyKey: true, status: 201, respond: (r) => ({ refundId: r.refundId, amount: formatYuan(r.amount), channel: r.channel, status: r.status }) });
  });
};
