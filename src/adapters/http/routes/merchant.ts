import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../../app/deps.ts';
import { createPlan } from '../../../app/checkout/create-plan.ts';
import { quoteProducts } from '../../../app/checkout/quote-products.ts';
import { getMerchantPlan } from '../../../app/checkout/get-merchant-plan.ts';
import { returnGoods } from '../../../app/checkout/return-goods.ts';
import { parseYuan, formatYuan } from '../../../core/money/parse.ts';
import { parsePhone } from '../../../core/privacy/phone.ts';
import { err } from '../../../core/result.ts';
import { guards } from '../auth.ts';
import { runUseCase } from '../run-use-case.ts';
import { sendProblem } from '../problem.ts';
import { Money, PlanSchema, ProblemSchema, ProductOptionSchema } from '../schemas.ts';
import { planView } from '../views/plan-view.ts';

const IdempotencyHeader = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ description: 'required: a unique key per order attempt; a retry with the same key returns the same response' })) });

export const merchantRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox => async (app) => {
  const guard = guards(deps);

  app.get('/v1/merchant/quotes', {
    preHandler: guard.merchant,
    schema: {
      tags: ['merchant'], summary: 'Installment options for a price (for "低至 ¥xx/月 × 12期")', security: [{ bearer: [] }],
      querystring: Type.Object({ amount: Money, downPayment: Type.Optional(Money) }, { examples: [{ amount: '5999.00' }] }),
      response: { 200: Type.Object({ amount: Money, options: Type.Array(ProductOptionSchema) }), 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema },
    },
  }, async (req, reply) => {
    const amount = parseYuan(req.query.amount, { field: 'amount', allowZero: false });
    if (!amount.ok) return sendProblem(reply, amount.error);
    const down = parseYuan(req.query.downPayment ?? '0', { field: 'downPayment' });
    if (!down.ok) return sendProblem(reply, down.error);
    const principal = req.principal!;
    if (principal.kind !== 'merchant') return reply;
    const options = await quoteProducts(deps, principal.merchantId, amount.value, down.value);
    return { amount: formatYuan(amount.value), options };
  });

  app.post('/v1/merchant/plans', {
    preHandler: guard.merchant,
    schema: {
      tags: ['merchant'], summary: 'Create an installment plan at checkout', security: [{ bearer: [] }], headers: IdempotencyHeader,
      body: Type.Object({
        merchantOrderId: Type.String({ minLength: 1, maxLength: 64 }), phone: Type.String({ minLength: 11, maxLength: 20 }),
        productId: Type.String({ format: 'uuid' }), amount: Money, downPayment: Type.Optional(Money),
        description: Type.Optional(Type.String({ maxLength: 200 })),
      }, { additionalProperties: false, examples: [{ merchantOrderId: 'SO-20261125-0001', phone: '13800138000', productId: '0192f0c8-5c2a-7000-8000-000000000001', amount: '5999.00', description: 'Xiaomi 15 12GB+256GB' }] }),
      response: { 201: PlanSchema, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema },
    },
  }, async (req, reply) => {
    const principal = req.principal!;
    if (principal.kind !== 'merchant') return reply;
    const phone = parsePhone(req.body.phone);
    const amount = parseYuan(req.body.amount, { field: 'amount', allowZero: false });
    const down = parseYuan(req.body.downPayment ?? '0', { field: 'downPayment' });
    for (const r of [phone, amount, down]) if (!r.ok) return sendProblem(reply, r.error);
    return runUseCase(deps, req, reply, async (ctx) => {
      if (!phone.ok || !amount.ok || !down.ok) return err({ code: 'validation_failed' as const, message: 'invalid' });
      const created = await createPlan(ctx, {
        merchantId: principal.merchantId, merchantOrderId: req.body.merchantOrderId, phone: phone.value, productId: req.body.productId,
        amount: amount.value, downPayment: down.value, ...(req.body.description ? { description: req.body.description } : {}),
      });
      if (!created.ok) return created;
      return getMerchantPlan(ctx.tx, principal.merchantId, created.value.planId, ctx.businessDate);
    }, { requireIdempotencyKey: true, status: 201, respond: (v) => planView(v.plan, v.installments, v.today) });
  });

  app.get('/v1/merchant/plans/:planId', {
    preHandler: guard.merchant,
    schema: { tags: ['merchant'], summary: "One of this merchant's plans", security: [{ bearer: [] }], params: Type.Object({ planId: Type.String({ format: 'uuid' }) }), response: { 200: PlanSchema, 404: ProblemSchema } },
  }, async (req, reply) => {
    const principal = req.principal!;
    if (principal.kind !== 'merchant') return reply;
    const found = await getMerchantPlan(deps.db, principal.merchantId, req.params.planId, await deps.calendar.today());
    if (!found.ok) return sendProblem(reply, found.error);
    return planView(found.value.plan, found.value.installments, found.value.today);
  });

  const ReturnResult = Type.Object({
    returnId: Type.String(), planId: Type.String(), kind: Type.String({ enum: ['full', 'partial', 'cancellation'] }), planStatus: Type.String(),
    principalReduced: Money, refunded: Money, refundChannel: Type.Union([Type.String(), Type.Null()]),
  });
  const respondReturn = (r: Awaited<ReturnType<typeof returnGoods>> extends infer X ? X extends { ok: true; value: infer V } ? V : never : never) => ({
    ...r, principalReduced: formatYuan(r.principalReduced), refunded: formatYuan(r.refunded),
  });

  app.post('/v1/merchant/plans/:planId/cancel', {
    preHandler: guard.merchant,
    schema: {
      tags: ['merchant'], summary: 'Cancel an order before anything was paid: the plan ends and the credit line is restored', security: [{ bearer: [] }],
      headers: IdempotencyHeader, params: Type.Object({ planId: Type.String({ format: 'uuid' }) }),
      body: Type.Object({ reason: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false, examples: [{ reason: 'customer cancelled before shipping' }] }),
      response: { 200: ReturnResult, 400: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema },
    },
  }, async (req, reply) => {
    const principal = req.principal!;
    if (principal.kind !== 'merchant') return reply;
    return runUseCase(deps, req, reply, (ctx) => returnGoods(ctx, { merchantId: principal.merchantId, planId: req.params.planId, kind: 'cancellation', ...(req.body.reason ? { reason: req.body.reason } : {}) }),
      { requireIdempotencyKey: true, respond: respondReturn });
  });

  app.post('/v1/merchant/plans/:planId/returns', {
    preHandler: guard.merchant,
    schema: {
      tags: ['merchant'], summary: 'Return goods fully (the plan ends, payments refunded) or partly (principal reduced, open installments re-amortised)',
      security: [{ bearer: [] }], headers: IdempotencyHeader, params: Type.Object({ planId: Type.String({ format: 'uuid' }) }),
      body: Type.Object({
        kind: Type.String({ enum: ['full', 'partial'] }), amount: Type.Optional(Money), reason: Type.Optional(Type.String({ maxLength: 200 })),
      }, { additionalProperties: false, examples: [{ kind: 'partial', amount: '999.00', reason: 'one item of the order returned' }, { kind: 'full' }] }),
      response: { 200: ReturnResult, 400: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema },
    },
  }, async (req, reply) => {
    const principal = req.principal!;
    if (principal.kind !== 'merchant') return reply;
    let amount: number | undefined;
    if (req.body.amount !== undefined) {
      const parsed = parseYuan(req.body.amount, { field: 'amount', allowZero: false });
      if (!parsed.ok) return sendProblem(reply, parsed.error);
      amount = parsed.value;
    }
    return runUseCase(deps, req, reply, (ctx) => returnGoods(ctx, {
      merchantId: principal.merchantId, planId: req.params.planId, kind: req.body.kind as 'full' | 'partial',
      ...(amount !== undefined ? { amount } : {}), ...(req.body.reason ? { reason: req.body.reason } : {}),
    }), { requireIdempotencyKey: true, respond: respondReturn });
  });
};
