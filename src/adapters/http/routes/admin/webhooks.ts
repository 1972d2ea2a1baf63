import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../../../app/deps.ts';
import { listDeliveries } from '../../../../app/webhooks/list-deliveries.ts';
import { retryDelivery } from '../../../../app/webhooks/retry-delivery.ts';
import { domainError } from '../../../../core/errors.ts';
import { guards, type Principal, type StaffRole } from '../../auth.ts';
import { runUseCase } from '../../run-use-case.ts';
import { sendProblem } from '../../problem.ts';
import { pageInput, problems, Security, Uuid } from '../../views/admin-schemas.ts';
import { AdminDeliveryQuery, DeliveryPageSchema, deliveryPageView, DeliverySchema, deliveryView, MerchantDeliveryQuery } from '../../views/admin-webhook-view.ts';
import { ROLES, Admin } from './access.ts';

/** Webhook deliveries, for operators and for the merchant itself. */
export const adminWebhooksRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox => async (app) => {
  const guard = guards(deps);
  const staff = (roles: StaffRole[]) => guard.staff(...roles);

  app.get('/v1/admin/webhooks/deliveries', {
    preHandler: staff(ROLES.books),
    schema: { ...Admin, summary: 'Webhook deliveries, newest first, by merchant and status', querystring: AdminDeliveryQuery, response: { 200: DeliveryPageSchema, ...problems(400, 401, 403) } },
  }, async (req) => {
    const { merchantId, status } = req.query;
    return deliveryPageView(await listDeliveries(deps.db, { ...pageInput(req.query), ...(merchantId ? { merchantId } : {}), ...(status ? { status: status as 'pending' } : {}) }));
  });

  app.post('/v1/admin/webhooks/deliveries/:deliveryId/retry', {
    preHandler: staff(ROLES.catalogue),
    schema: { ...Admin, summary: 'Send a failed or waiting delivery again now', params: Type.Object({ deliveryId: Uuid }), response: { 200: DeliverySchema, ...problems(400, 401, 403, 404, 409) } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => retryDelivery(ctx, { deliveryId: req.params.deliveryId }), { respond: deliveryView }));

  const ForMerchant = { tags: ['merchant'], security: Security };
  const merchantIdOf = (p: Principal | undefined) => (p?.kind === 'merchant' ? p.merchantId : null);

  app.get('/v1/merchant/webhooks/deliveries', {
    preHandler: guard.merchant,
    schema: { ...ForMerchant, summary: 'My webhook deliveries, newest first', querystring: MerchantDeliveryQuery, response: { 200: DeliveryPageSchema, ...problems(400, 401, 403) } },
  }, async (req, reply) => {
    const merchantId = merchantIdOf(req.principal);
    if (!merchantId) return sendProblem(reply, domainError('forbidden', 'this endpoint is for merchants'));
    const { status } = req.query;
    return deliveryPageView(await listDeliveries(deps.db, { ...pageInput(req.query), merchantId, ...(status ? { status: status as 'pending' } : {}) }));
  });

  app.post('/v1/merchant/webhooks/deliveries/:deliveryId/retry', {
    preHandler: guard.merchant,
    schema: { ...ForMerchant, summary: 'Send one of my failed deliveries again now', params: Type.Object({ deliveryId: Uuid }), response: { 200: DeliverySchema, ...problems(400, 401, 403, 404, 409) } },
  }, async (req, reply) => {
    const merchantId = merchantIdOf(req.principal);
    if (!merchantId) return sendProblem(reply, domainError('forbidden', 'this endpoint is for merchants'));
    return runUseCase(deps, req, reply, (ctx) => retryDelivery(ctx, { deliveryId: req.params.deliveryId, merchantId }), { respond: deliveryView });
  });
};
