import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../../app/deps.ts';

export const adminRoutes = (_deps: AppDeps): FastifyPluginAsyncTypebox => async () => {};
