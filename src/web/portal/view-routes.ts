import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app/deps.ts';
import { entranceWatch } from './entrance-watch.ts';
import { isUuid } from '../api-client.ts';
import { maybe, need, sendPage } from '../request-context.ts';
import type { PortalKit } from './kit.ts';
import { billsPage } from './pages/bills.ts';
import { notFoundPage } from './pages/errors.ts';
import { homePage } from './pages/home.ts';
import { planPage, plansPage } from './pages/plans.ts';
import { readBills, readHome } from './page-reads.ts';
import { paths } from './paths.ts';

/** Home, bills, plans and one plan: read-only pages over the customer API. */
export function viewRoutes(app: FastifyInstance, deps: AppDeps, kit: PortalKit): void {
  const { customerPage, hidden } = kit;
  const anyEntranceDown = entranceWatch(deps);
  // Home and bills are what almost every visit opens: each reads in ONE statement through a
  // per-page read model (page-reads.ts) instead of 3–4 in-process API calls, each of which
  // authenticated the same token again. The rare extras below still go through the API.
  app.get(paths.home, hidden, customerPage(async (c, _req, reply) => {
    const [read, where] = await Promise.all([
      readHome(deps, c.api.sessionToken!), anyEntranceDown().then((down) => (down ? c.api.whereToPay() : null)),
    ]);
    // A closed entrance is an extra: if the API fails the bill still shows.
    // Hardship offers are made only on overdue plans: the lookup is skipped for everyone else.
    const offers = read.current.pastDue.daysPastDue > 0 ? await c.api.hardshipOffers() : null;
    const extras = {
      unread: read.unread, entranceMoved: where !== null && where.ok && where.body.items.some((w) => w.rerouted),
      hardshipOffers: offers?.ok ? offers.body.items.filter((o) => o.status === 'offered').length : 0,
    };
    return sendPage(reply, homePage(c.view(), read.current, read.line, extras));
  }));

  app.get(paths.bills, hidden, customerPage(async (c, _req, reply) => {
    const read = await readBills(deps, c.api.sessionToken!);
    return sendPage(reply, billsPage(c.view(), read.list, read.plans));
  }));

  app.get(paths.plans, hidden, customerPage(async (c, _req, reply) => {
    return sendPage(reply, plansPage(c.view(), need(await c.api.plans()).plans));
  }));

  app.get(`${paths.plans}/:planId`, hidden, customerPage(async (c, req, reply) => {
    const { planId } = req.params as { planId: string };
    if (!isUuid(planId)) return sendPage(reply, notFoundPage(c.view(), true), 404);
    const [plan, quote] = await Promise.all([c.api.plan(planId), c.api.payoffQuote(planId)]);
    const p = maybe(plan);
    if (!p) return sendPage(reply, notFoundPage(c.view(), true), 404);
    // A plan that cannot be paid off today (paid off, closed) answers 422: no quote to show.
    return sendPage(reply, planPage(c.view(), p, quote.ok ? quote.body : null));
  }));
}
