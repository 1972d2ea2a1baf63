import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app/deps.ts';
import { accountRoutes } from './account-routes.ts';
import { portalKit } from './kit.ts';
import { loginRoutes } from './login-routes.ts';
import { payRoutes } from './pay-routes.ts';
import { serviceRoutes } from './service-routes.ts';
import { ticketRoutes } from './ticket-routes.ts';
import { hardshipRoutes } from './hardship-routes.ts';
import { viewRoutes } from './view-routes.ts';

export interface PortalOptions {
  /**
   * Pay through POST /v1/me/payments (the sandbox cashier, "processing" until the gateway
   * says paid) rather than the immediate sandbox repayment (POST /v1/me/repayments). By
   * default the cashier is used whenever the payments API is part of the server.
   */
  gatewayPayments?: boolean;
}

/**
 * The customer portal (mobile H5) under /portal. Every page reads through the customer API
 * with the session from the cookie; the API decides what this customer may see.
 */
export const portalRoutes = (deps: AppDeps, cssHref: string, options: PortalOptions) => async (app: FastifyInstance): Promise<void> => {
  const kit = portalKit(app, deps, cssHref);
  loginRoutes(app, deps, kit);
  viewRoutes(app, deps, kit);
  payRoutes(app, deps, kit, options);
  accountRoutes(app, kit);
  serviceRoutes(app, kit);
  ticketRoutes(app, kit);
  hardshipRoutes(app, kit);
};
