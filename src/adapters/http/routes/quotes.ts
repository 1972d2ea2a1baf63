import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { quote } from '../../../core/pricing/quote.ts';
import { PRICING_METHOD_CODES } from '../../../core/pricing/registry.ts';
import { quoteToJson } from '../../cli/quote.ts';
import { sendProblem } from '../problem.ts';
import { Money, Percent, ProblemSchema, QuoteSchema } from '../schemas.ts';

/** A calculator: any terms in, schedule and APR out. Product quotes for merchants live in the servicing routes. */
export const quoteRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/v1/calculator/quote', {
    schema: {
      tags: ['quotes'], summary: 'Compute an installment schedule and its APR for explicit terms',
      body: Type.Object({
        amount: Money, terms: Type.Integer({ minimum: 1, maximum: 360 }),
        method: Type.String({ enum: PRICING_METHOD_CODES }), firstDue: Type.String({ format: 'date', examples: ['2026-01-10'] }),
        annualRate: Type.Optional(Percent), monthlyFeeRate: Type.Optional(Percent), totalFeeRate: Type.Optional(Percent),
        subsidyRate: Type.Optional(Percent), downPayment: Type.Optional(Money), downPaymentPercent: Type.Optional(Percent),
        rounding: Type.Optional(Type.String({ enum: ['half-up', 'half-even', 'down', 'up'] })), aprCapPercent: Type.Optional(Percent),
      }, { additionalProperties: false, examples: [{ amount: '6000.00', terms: 12, method: 'equal-installment', annualRate: '12', firstDue: '2026-01-10' }] }),
      response: { 200: QuoteSchema, 400: ProblemSchema, 422: ProblemSchema },
    },
  }, async (req, reply) => {
    const result = quote(req.body);
    if (!result.ok) return sendProblem(reply, result.error);
    return quoteToJson(result.value);
  });
};
