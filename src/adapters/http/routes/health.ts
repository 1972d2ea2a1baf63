import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ping } from '../../db/connect.ts';
import type { AppDeps } from '../../../app/deps.ts';

export const healthRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/healthz', {
    schema: {
      tags: ['system'], summary: 'Liveness and database reachability',
      response: { 200: Type.Object({ status: Type.Literal('ok'), database: Type.String(), businessDate: Type.String() }) },
    },
  }, async () => ({ status: 'ok' as const, database: (await ping(deps.db)) ? deps.dbKind : 'unreachable', businessDate: await deps.calendar.today() }));
};
