import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../app/deps.ts';
import { domainError } from '../../core/errors.ts';
import { sendProblem } from './problem.ts';
import { documentProblemsAsProblemJson } from './openapi/problem-content-type.ts';
import { healthRoutes } from './routes/health.ts';
import { quoteRoutes } from './routes/quotes.ts';
import { merchantRoutes } from './routes/merchant.ts';
import { adminRoutes } from './routes/admin.ts';
import { customerAuthRoutes } from './routes/customer-auth.ts';
import { customerRoutes } from './routes/customer.ts';
import { staffServicingRoutes } from './routes/staff-servicing.ts';
import { customerRepaymentRoutes } from './routes/customer-repayments.ts';
import { noticeRoutes } from './routes/notices.ts';
import { partnerRoutes } from './routes/partners.ts';
import { entranceRoutes } from './routes/entrances.ts';
import { paymentRoutes } from './routes/payments.ts';
import { collectionsRoutes } from './routes/collections.ts';
import { hardshipRoutes } from './routes/hardship.ts';
import { creditReportRoutes } from './routes/credit-reports.ts';
import { serviceTicketRoutes } from './routes/service-tickets.ts';
import { serviceAgentRoutes } from './routes/service-agent.ts';
import { maskPhonesIn } from '../../core/privacy/mask.ts';
import { webRoutes } from '../../web/plugin.ts';

export interface ServerOptions { logger?: boolean }

/** Builds the HTTP app; listening is the caller's business so tests can use inject(). */
export async function buildServer(deps: AppDeps, options: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ? { level: deps.config.logLevel, serializers: { req: (req) => ({ method: req.method, url: maskPhonesIn(req.url) }) } } : false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    bodyLimit: 1_048_576,
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Fenqi API', version: '0.1.0', description: 'Installment plans, bills and repayments. Money is a yuan decimal string; errors are application/problem+json with a stable code.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transformObject: (doc) => ('openapiObject' in doc ? documentProblemsAsProblemJson(doc.openapiObject as never) : doc.swaggerObject),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.setErrorHandler((error: FastifyError, _req, reply) => {
    if (error.validation) {
      const first = error.validation[0];
      const field = first?.instancePath?.replace(/^\//, '').replace(/\//g, '.') || (first?.params as { missingProperty?: string })?.missingProperty;
      return sendProblem(reply, domainError('validation_failed', `${error.validationContext ?? 'request'}${field ? `.${field}` : ''}: ${first?.message ?? 'invalid'}`, field || undefined));
    }
    if (error.statusCode && error.statusCode < 500) {
      return sendProblem(reply, domainError('validation_failed', error.message), error.statusCode);
    }
    deps.log(`unhandled error on ${_req.method} ${_req.url}: ${error.stack ?? error.message}`);
    return reply.code(500).type('application/problem+json').send({
      type: 'https://fenqi.dev/problems/internal', title: 'internal error', status: 500, code: 'internal', detail: 'Something went wrong on our side; nothing was changed if the request moved money.',
    });
  });
  app.setNotFoundHandler((req, reply) => sendProblem(reply, domainError('not_found', `no route ${req.method} ${req.url.split('?')[0]}`)));

  // Who is asking is settled before what they sent is validated: an unauthenticated caller
  // gets 401 and learns nothing about a route's body rules from its 400s. Routes declare
  // their guard as `preHandler`; it runs as `preValidation` (the body is parsed by then).
  app.addHook('onRoute', (route) => {
    if (route.preHandler && !route.preValidation) { route.preValidation = route.preHandler; delete route.preHandler; }
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(healthRoutes(deps));
  await app.register(quoteRoutes);
  await app.register(merchantRoutes(deps));
  await app.register(adminRoutes(deps));
  await app.register(customerAuthRoutes(deps));
  await app.register(customerRoutes(deps));
  await app.register(staffServicingRoutes(deps));
  await app.register(customerRepaymentRoutes(deps));
  await app.register(noticeRoutes(deps));
  await app.register(partnerRoutes(deps));
  await app.register(entranceRoutes(deps));
  await app.register(webRoutes(deps));
  await app.register(paymentRoutes(deps));
  await app.register(collectionsRoutes(deps));
  await app.register(hardshipRoutes(deps));
  await app.register(creditReportRoutes(deps));
  await app.register(serviceTicketRoutes(deps));
  await app.register(serviceAgentRoutes(deps));
  return app;
}
