import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../../app/deps.ts';

export const customerRoutes = (_deps: AppDeps): FastifyPluginAsyncTypebox => async () => {};
