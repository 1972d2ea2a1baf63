import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app/deps.ts';
import { loadStylesheet } from './assets.ts';
import { portalRoutes, type PortalOptions } from './portal/routes.ts';
import { contextOf, sendPage } from './request-context.ts';
import { forbiddenPage } from './portal/pages/errors.ts';
import { paths } from './portal/paths.ts';
import { dashboardRoutes } from './dashboard/routes.ts';
import { consoleRoutes } from './console/routes.ts';

export type WebOptions = PortalOptions;

/**
 * Content-Security-Policy for every page: no scripts at all, styles only from our own file,
 * forms only to us. A form POST ends on our own pages (the cashier is opened by a plain link
 * from the payment's page), so form-action 'self' holds for off-site gateways too.
 */
const CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * Cross-site form posts are refused. SameSite=Lax already keeps the session cookie off them;
 * this is the second lock (an old browser, a subdomain). Same-origin posts carry an Origin
 * that matches Host; a request with neither Origin nor Sec-Fetch-Site is not a browser form.
 */
function crossSite(req: FastifyRequest): boolean {
  if (req.headers['sec-fetch-site'] === 'cross-site') return true;
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  if (origin === 'null') return true;
  try {
    const from = new URL(origin);
    // Host as the URL parser writes it (an explicit default port dropped), from the same scheme.
    return from.host !== new URL(`${from.protocol}//${req.headers.host ?? ''}`).host;
  } catch { return true; }
}

/**
 * The web front ends, server-rendered: plain TypeScript template functions that escape by
 * default, one small cached stylesheet, and no JavaScript. A page is one round trip and a
 * few kilobytes, which is what a phone on a weak 3G signal needs; forms POST to the server,
 * which calls the same HTTP API as any client (see api-client.ts).
 */
export const webRoutes = (deps: AppDeps, options: WebOptions = {}) => async (app: FastifyInstance): Promise<void> => {
  const css = loadStylesheet('portal');
  const dashboardCss = loadStylesheet('dashboard');

  // Form bodies for this scope only; the API keeps its JSON-only parsers.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16_384 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    reply.header('content-security-policy', CSP).header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'same-origin').header('x-frame-options', 'DENY');
    if (req.method === 'POST' && crossSite(req)) {
      const c = contextOf(app, deps, css.href, req, reply);
      return sendPage(reply, forbiddenPage(c.view(paths.home)), 403);
    }
  });

  for (const sheet of [css, dashboardCss]) {
    app.get(sheet.href, { schema: { hide: true } }, async (_req, reply) =>
      reply.type(sheet.type).header('cache-control', 'public, max-age=31536000, immutable').send(sheet.body));
  }

  // The site's front door is the customer portal (the API lives under /v1, its docs at /docs).
  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.code(302).header('location', paths.home).send());

  await app.register(portalRoutes(deps, css.href, options));
  await app.register(dashboardRoutes(deps, [css.href, dashboardCss.href]));
  await app.register(consoleRoutes(deps, [css.href, dashboardCss.href]));
};
