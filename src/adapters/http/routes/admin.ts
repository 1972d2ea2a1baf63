import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../../app/deps.ts';
import { adminMerchantsRoutes } from './admin/merchants.ts';
import { adminProductsRoutes } from './admin/products.ts';
import { adminCustomersRoutes } from './admin/customers.ts';
import { adminBooksRoutes } from './admin/books.ts';
import { adminWebhooksRoutes } from './admin/webhooks.ts';

/**
 * The operator API (/v1/admin/...) and the merchant's view of its own webhook deliveries,
 * one file per area under ./admin/; who may do what is in ./admin/access.ts.
 */
export const adminRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox => async (app) => {
  await app.register(adminMerchantsRoutes(deps));
  await app.register(adminProductsRoutes(deps));
  await app.register(adminCustomersRoutes(deps));
  await app.register(adminBooksRoutes(deps));
  await app.register(adminWebhooksRoutes(deps));
};
