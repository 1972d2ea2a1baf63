import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../../app/deps.ts';
import { acceptOffer } from '../../../app/hardship/accept-offer.ts';
import { listCustomerOffers, listMyOffers } from '../../../app/hardship/list-offers.ts';
import { offerHardship } from '../../../app/hardship/offer-hardship.ts';
import { approveOffer, closeOffer } from '../../../app/hardship/offer-status.ts';
import { HARDSHIP_TERMS_MAX } from '../../../core/hardship/restructure.ts';
import { parseYuan } from '../../../core/money/parse.ts';
import { guards } from '../auth.ts';
import { runUseCase } from '../run-use-case.ts';
import { sendProblem } from '../problem.ts';
import { DateString, Money, ProblemSchema } from '../schemas.ts';

const Uuid = Type.String({ format: 'uuid' });
const Problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema };
const Row = Type.Object({ number: Type.Integer(), dueDate: Type.String(), principal: Money, interest: Money, fee: Money, total: Money });
const Offer = Type.Object({
  offerId: Type.String(), customerId: Type.String(), planId: Type.String(), status: Type.String(), approval: Type.String(), terms: Type.Integer(),
  firstDueDate: Type.String(), penaltyWaived: Money, capitalised: Money, offeredOn: Type.String(), expiresAt: Type.String(),
  acceptedOn: Type.Union([Type.String(), Type.Null()]),
  preview: Type.Object({ schedule: Type.Array(Row), figures: Type.Record(Type.String(), Money), installmentBefore: Money, installmentAfter: Money }),
});
const OfferParams = Type.Object({ customerId: Uuid, offerId: Uuid });
const Headers = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ description: 'required: accepting restructures the plan' })) });

/** 协商还款: staff offer (agents within a waiver limit, supervisors approve above it); the customer sees and accepts in the portal API. */
export const hardshipRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox => async (app) => {
  const guard = guards(deps);

  app.post('/v1/collections/customers/:customerId/plans/:planId/hardship-offers', {
    preHandler: guard.staff('agent', 'supervisor'),
    schema: {
      tags: ['collections'], summary: 'Offer a restructure: new term, penalty waived, re-aged; the exact new schedule is in the answer', security: [{ bearer: [] }],
      params: Type.Object({ customerId: Uuid, planId: Uuid }),
      body: Type.Object({
        terms: Type.Integer({ minimum: 1, maximum: HARDSHIP_TERMS_MAX }), penaltyWaived: Money, firstDueDate: Type.Optional(DateString),
      }, { additionalProperties: false, examples: [{ terms: 12, penaltyWaived: '30.00' }] }),
      response: { 201: Offer, ...Problems },
    },
  }, async (req, reply) => {
    const waived = parseYuan(req.body.penaltyWaived, { field: 'penaltyWaived', allowZero: true });
    if (!waived.ok) return sendProblem(reply, waived.error);
    return runUseCase(deps, req, reply, (ctx) => offerHardship(ctx, {
      ...req.params, terms: req.body.terms, penaltyWaived: waived.value, ...(req.body.firstDueDate ? { firstDueDate: req.body.firstDueDate } : {}),
    }), { status: 201, respond: (o) => o });
  });

  app.get('/v1/collections/customers/:customerId/hardship-offers', {
    preHandler: guard.staff('agent', 'supervisor', 'auditor'),
    schema: { tags: ['collections'], summary: 'Every hardship offer made to a customer', security: [{ bearer: [] }], params: Type.Object({ customerId: Uuid }), response: { 200: Type.Object({ items: Type.Array(Offer) }), ...Problems } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => listCustomerOffers(ctx, req.params.customerId), { respond: (items) => ({ items }) }));

  app.post('/v1/collections/customers/:customerId/hardship-offers/:offerId/approve', {
    preHandler: guard.staff('supervisor'),
    schema: { tags: ['collections'], summary: "Approve an agent's offer above their waiver limit", security: [{ bearer: [] }], params: OfferParams, response: { 200: Offer, ...Problems } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => approveOffer(ctx, req.params.customerId, req.params.offerId), { respond: (o) => o }));

  app.post('/v1/collections/customers/:customerId/hardship-offers/:offerId/cancel', {
    preHandler: guard.staff('agent', 'supervisor'),
    schema: { tags: ['collections'], summary: 'Withdraw an open offer', security: [{ bearer: [] }], params: OfferParams, response: { 200: Offer, ...Problems } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => closeOffer(ctx, req.params.customerId, req.params.offerId, 'cancelled'), { respond: (o) => o }));

  app.get('/v1/me/hardship-offers', {
    preHandler: guard.customer,
    schema: { tags: ['customer'], summary: 'Hardship offers open to me, with the exact new schedule', security: [{ bearer: [] }], response: { 200: Type.Object({ items: Type.Array(Offer) }), ...Problems } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => listMyOffers(ctx), { respond: (items) => ({ items }) }));

  app.post('/v1/me/hardship-offers/:offerId/accept', {
    preHandler: guard.customer,
    schema: {
      tags: ['customer'], summary: 'Accept a hardship offer: the plan is restructured exactly as shown', security: [{ bearer: [] }], headers: Headers,
      params: Type.Object({ offerId: Uuid }),
      response: {
        200: Type.Object({ offerId: Type.String(), planId: Type.String(), acceptedOn: Type.String(), penaltyWaived: Money, capitalised: Money, schedule: Type.Array(Row) }),
        ...Problems,
      },
    },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => acceptOffer(ctx, req.params.offerId), { requireIdempotencyKey: true, respond: (a) => a }));

  app.post('/v1/me/hardship-offers/:offerId/decline', {
    preHandler: guard.customer,
    schema: { tags: ['customer'], summary: 'Decline a hardship offer', security: [{ bearer: [] }], params: Type.Object({ offerId: Uuid }), response: { 200: Offer, ...Problems } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => closeOffer(ctx, ctx.actor.id, req.params.offerId, 'declined'), { respond: (o) => o }));
};
