import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../../../app/deps.ts';
import { defineProduct } from '../../../../app/admin/define-product.ts';
import { publishProductVersion } from '../../../../app/admin/publish-product-version.ts';
import { getProduct, listProducts } from '../../../../app/admin/find-products.ts';
import { retireProduct } from '../../../../app/admin/retire-product.ts';
import { offerProduct } from '../../../../app/admin/offer-product.ts';
import { withdrawProduct } from '../../../../app/admin/withdraw-product.ts';
import { guards, type StaffRole } from '../../auth.ts';
import { runUseCase } from '../../run-use-case.ts';
import { sendProblem } from '../../problem.ts';
import { problems } from '../../views/admin-schemas.ts';
import { DefinedProductSchema, DefineProductBody, ProductDetailSchema, productDetailView, ProductSchema, productTermsInput, ProductVersionBody, productView } from '../../views/admin-product-view.ts';
import { ROLES, Admin, ProductParams, OfferParams, OfferSchema } from './access.ts';

/** Products and which merchants offer them. */
export const adminProductsRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox => async (app) => {
  const guard = guards(deps);
  const staff = (roles: StaffRole[]) => guard.staff(...roles);

  app.post('/v1/admin/products', {
    preHandler: staff(ROLES.catalogue),
    schema: { ...Admin, summary: 'Define a product (version 1): pricing, late charges, allocation, early payoff, APR cap', body: DefineProductBody, response: { 201: DefinedProductSchema, ...problems(400, 401, 403, 409, 422) } },
  }, async (req, reply) => {
    const input = productTermsInput(req.body);
    if (!input.ok) return sendProblem(reply, input.error);
    return runUseCase(deps, req, reply, (ctx) => defineProduct(ctx, { ...input.value, code: req.body.code }), { status: 201, respond: (d) => ({ ...productView(d.product), sampleApr: d.apr }) });
  });

  app.post('/v1/admin/products/:productId/versions', {
    preHandler: staff(ROLES.catalogue),
    schema: { ...Admin, summary: 'Publish a new version of a product (new plans use it; existing plans keep theirs)', params: ProductParams, body: ProductVersionBody, response: { 201: DefinedProductSchema, ...problems(400, 401, 403, 404, 409, 422) } },
  }, async (req, reply) => {
    const input = productTermsInput(req.body);
    if (!input.ok) return sendProblem(reply, input.error);
    return runUseCase(deps, req, reply, (ctx) => publishProductVersion(ctx, req.params.productId, input.value), { status: 201, respond: (d) => ({ ...productView(d.product), sampleApr: d.apr }) });
  });

  app.get('/v1/admin/products', {
    preHandler: staff(ROLES.read),
    schema: {
      ...Admin, summary: 'List products at their latest version',
      querystring: Type.Object({ status: Type.Optional(Type.String({ enum: ['active', 'retired'] })), method: Type.Optional(Type.String({ maxLength: 40 })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(ProductSchema) }), ...problems(400, 401, 403) },
    },
  }, async (req) => {
    const q = req.query;
    const rows = await listProducts(deps.db, { ...(q.status ? { status: q.status as 'active' | 'retired' } : {}), ...(q.method ? { method: q.method } : {}) });
    return { items: rows.map(productView) };
  });

  app.get('/v1/admin/products/:productId', {
    preHandler: staff(ROLES.read),
    schema: { ...Admin, summary: 'A product with every version and the merchants offering it', params: ProductParams, response: { 200: ProductDetailSchema, ...problems(400, 401, 403, 404) } },
  }, async (req, reply) => {
    const found = await getProduct(deps.db, req.params.productId);
    return found.ok ? productDetailView(found.value) : sendProblem(reply, found.error);
  });

  app.post('/v1/admin/products/:productId/retire', {
    preHandler: staff(ROLES.catalogue),
    schema: { ...Admin, summary: 'Retire a product: no new plans; existing plans run to the end', params: ProductParams, response: { 200: Type.Object({ productId: Type.String(), status: Type.Literal('retired') }, { examples: [{ productId: '0192f0c8-5c2a-7000-8000-000000000002', status: 'retired' }] }), ...problems(400, 401, 403, 404) } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => retireProduct(ctx, req.params.productId), { respond: (r) => r }));

  app.put('/v1/admin/merchants/:merchantId/products/:productId', {
    preHandler: staff(ROLES.catalogue),
    schema: { ...Admin, summary: 'Let a merchant offer a product at checkout', params: OfferParams, response: { 200: OfferSchema, ...problems(400, 401, 403, 404, 409) } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => offerProduct(ctx, req.params.merchantId, req.params.productId), { respond: (r) => r }));

  app.delete('/v1/admin/merchants/:merchantId/products/:productId', {
    preHandler: staff(ROLES.catalogue),
    schema: { ...Admin, summary: 'Withdraw a product from a merchant (existing plans are untouched)', params: OfferParams, response: { 200: OfferSchema, ...problems(400, 401, 403, 404) } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => withdrawProduct(ctx, req.params.merchantId, req.params.productId), { respond: (r) => r }));
};
