import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { isUuid, type ApiResult } from '../api-client.ts';
import { errorText } from '../i18n/messages.ts';
import { need, seeOther, sendPage, type PageContext } from '../request-context.ts';
import type { Form, PortalKit } from './kit.ts';
import { hardshipPage } from './pages/hardship.ts';
import { namesOf } from './parts.ts';
import { paths } from './paths.ts';
import { formKey, refusal } from './ticket-routes.ts';

/** 协商还款 in the portal: see the offers an agent made, accept (restructures the plan) or decline. */
export function hardshipRoutes(app: FastifyInstance, kit: PortalKit): void {
  const { customerPage, hidden } = kit;

  /** The page with fresh offers; `retryKey` keeps a refused accept's key so a retry cannot restructure twice. */
  const render = async (c: PageContext, extra: { notice?: string; error?: string }, retryKey?: { offerId: string; key: string }) => {
    const [offers, plans] = await Promise.all([c.api.hardshipOffers(), c.api.plans()]);
    const keyFor = (offerId: string) => (retryKey?.offerId === offerId ? retryKey.key : randomUUID());
    return hardshipPage(c.view(paths.hardship), { offers: need(offers).items, planName: namesOf(c.m, need(plans).plans), keyFor, ...extra });
  };

  app.get(paths.hardship, hidden, customerPage(async (c, req, reply) => {
    const done = (req.query as Form).done;
    const notice = done === 'accepted' ? c.m.hardship.accepted : done === 'declined' ? c.m.hardship.declined : undefined;
    return sendPage(reply, await render(c, notice ? { notice } : {}));
  }));

  // A refusal (hardship_offer_stale, expired, withdrawn…) is shown as the API gives it: the customer is never told it worked when it did not.
  const decide = (act: (c: PageContext, id: string, f: Form) => Promise<ApiResult<unknown>>, done: string) => customerPage(async (c, req, reply) => {
    const f = (req.body ?? {}) as Form;
    const id = f.id ?? '';
    if (!isUuid(id)) return sendPage(reply, await render(c, { error: errorText(c.m, 'validation_failed') }), 400);
    const r = await act(c, id, f);
    if (r.ok) return seeOther(reply, `${paths.hardship}?done=${done}`);
    const { status, text } = refusal(c, r);
    return sendPage(reply, await render(c, { error: text }, f.key ? { offerId: id, key: formKey(f.key) } : undefined), status);
  });

  app.post(paths.hardshipAccept, hidden, decide((c, id, f) => c.api.acceptHardshipOffer(id, formKey(f.key)), 'accepted'));
  app.post(paths.hardshipDecline, hidden, decide((c, id) => c.api.declineHardshipOffer(id), 'declined'));
}
