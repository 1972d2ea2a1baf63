import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../../../app/deps.ts';
import { createMerchant } from '../../../../app/admin/create-merchant.ts';
import { getMerchant, listMerchants } from '../../../../app/admin/find-merchants.ts';
import { updateMerchant } from '../../../../app/admin/update-merchant.ts';
import { createApiKey, type ApiKeyRole } from '../../../../app/admin/create-api-key.ts';
import { listApiKeys } from '../../../../app/admin/list-api-keys.ts';
import { revokeApiKey } from '../../../../app/admin/revoke-api-key.ts';
import { guards, type StaffRole } from '../../auth.ts';
import { runUseCase } from '../../run-use-case.ts';
import { sendProblem } from '../../problem.ts';
import { pageInput, PageQuery, problems, Uuid } from '../../views/admin-schemas.ts';
import { ApiKeyPageSchema, ApiKeySchema, apiKeyView, CreateApiKeyBody, CreatedApiKeySchema, createdApiKeyView, CreatedMerchantSchema, createdMerchantView, CreateMerchantBody, replayedApiKeyView, replayedMerchantView, MerchantDetailSchema, merchantDetailView, MerchantPageSchema, MerchantSchema, merchantView, UpdateMerchantBody } from '../../views/admin-merchant-view.ts';
import { ROLES, Admin, MerchantParams } from './access.ts';

/** Merchants and their API keys. */
export const adminMerchantsRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox => async (app) => {
  const guard = guards(deps);
  const staff = (roles: StaffRole[]) => guard.staff(...roles);

  app.post('/v1/admin/merchants', {
    preHandler: staff(ROLES.catalogue),
    schema: {
      ...Admin, summary: 'Create a merchant; the webhook secret is returned only now',
      description: 'With an Idempotency-Key a retry creates nothing and answers the same merchant with webhookSecret null: the secret is never stored.',
      body: CreateMerchantBody, response: { 201: CreatedMerchantSchema, ...problems(400, 401, 403, 409) },
    },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => createMerchant(ctx, req.body), { status: 201, respond: createdMerchantView, replay: replayedMerchantView }));

  app.get('/v1/admin/merchants', {
    preHandler: staff(ROLES.read),
    schema: { ...Admin, summary: 'List merchants, newest first', querystring: Type.Object(PageQuery, { additionalProperties: false }), response: { 200: MerchantPageSchema, ...problems(400, 401, 403) } },
  }, async (req) => {
    const page = await listMerchants(deps.db, pageInput(req.query));
    return { nextCursor: page.nextCursor, items: page.items.map(merchantView) };
  });

  app.get('/v1/admin/merchants/:merchantId', {
    preHandler: staff(ROLES.read),
    schema: { ...Admin, summary: 'A merchant, the products it offers and its key and delivery counts', params: MerchantParams, response: { 200: MerchantDetailSchema, ...problems(400, 401, 403, 404) } },
  }, async (req, reply) => {
    const found = await getMerchant(deps.db, req.params.merchantId);
    return found.ok ? merchantDetailView(found.value) : sendProblem(reply, found.error);
  });

  app.patch('/v1/admin/merchants/:merchantId', {
    preHandler: staff(ROLES.catalogue),
    schema: { ...Admin, summary: 'Rename a merchant or change its webhook URL (queued deliveries follow the new URL)', params: MerchantParams, body: UpdateMerchantBody, response: { 200: MerchantSchema, ...problems(400, 401, 403, 404, 409) } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => updateMerchant(ctx, { merchantId: req.params.merchantId, ...req.body }), { respond: merchantView }));

  // ── API keys ───────────────────────────────────────────────────────────────
  app.post('/v1/admin/api-keys', {
    preHandler: staff(ROLES.keys),
    schema: {
      ...Admin, summary: 'Issue an API key for a merchant or a staff role; the token is returned only now',
      description: 'Operators may issue merchant keys; only an admin issues staff keys. With an Idempotency-Key a retry issues nothing and answers the same key with token null: the token is never stored (if the first answer was lost, revoke that key and issue another).',
      body: CreateApiKeyBody, response: { 201: CreatedApiKeySchema, ...problems(400, 401, 403, 404) },
    },
  }, async (req, reply) => {
    const input = { role: req.body.role as ApiKeyRole, name: req.body.name, ...(req.body.merchantId ? { merchantId: req.body.merchantId } : {}) };
    return runUseCase(deps, req, reply, (ctx) => createApiKey(ctx, input), { status: 201, respond: createdApiKeyView, replay: replayedApiKeyView });
  });

  app.get('/v1/admin/api-keys', {
    preHandler: staff(ROLES.keys),
    schema: {
      ...Admin, summary: 'List API keys (prefix only, never the token)',
      querystring: Type.Object({ merchantId: Type.Optional(Uuid), role: Type.Optional(Type.String({ maxLength: 20 })), includeRevoked: Type.Optional(Type.String({ enum: ['true', 'false'] })), ...PageQuery }, { additionalProperties: false }),
      response: { 200: ApiKeyPageSchema, ...problems(400, 401, 403) },
    },
  }, async (req) => {
    const q = req.query;
    const page = await listApiKeys(deps.db, { ...pageInput(q), ...(q.merchantId ? { merchantId: q.merchantId } : {}), ...(q.role ? { role: q.role } : {}), includeRevoked: q.includeRevoked === 'true' });
    return { nextCursor: page.nextCursor, items: page.items.map(apiKeyView) };
  });

  app.post('/v1/admin/api-keys/:keyId/revoke', {
    preHandler: staff(ROLES.keys),
    schema: { ...Admin, summary: 'Revoke an API key at once (not the last admin key)', params: Type.Object({ keyId: Uuid }), response: { 200: ApiKeySchema, ...problems(400, 401, 403, 404, 409) } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => revokeApiKey(ctx, req.params.keyId), { respond: apiKeyView }));
};
