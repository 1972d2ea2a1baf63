import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { isUuid, type ApiResult } from '../api-client.ts';
import { errorText } from '../i18n/messages.ts';
import { maybe, need, seeOther, sendPage, SessionEnded, type PageContext } from '../request-context.ts';
import type { Form, PortalKit } from './kit.ts';
import { notFoundPage } from './pages/errors.ts';
import { newTicketPage, ticketPage, ticketsPage } from './pages/tickets.ts';
import { paths } from './paths.ts';

/** A refusal the customer can act on: its status (5xx shown as 502) and the words for its code. */
export function refusal(c: PageContext, r: ApiResult<unknown>): { status: number; text: string } {
  if (!r.ok && r.problem.code === 'unauthorized') throw new SessionEnded();
  const code = r.ok ? undefined : r.problem.code;
  return { status: r.status >= 500 ? 502 : r.status, text: errorText(c.m, code) };
}

/** A client-supplied key must be printable ASCII like the API's; otherwise a fresh one. */
export const formKey = (key: string | undefined): string => (key && /^[\x21-\x7e]{1,255}$/.test(key) ? key : randomUUID());

/** 联系客服 and 我的工单: file a ticket from the help centre, follow it, answer, confirm or reopen. */
export function ticketRoutes(app: FastifyInstance, kit: PortalKit): void {
  const { customerPage, hidden } = kit;

  app.get(paths.tickets, hidden, customerPage(async (c, req, reply) => {
    const done = (req.query as Form).done;
    return sendPage(reply, ticketsPage(c.view(), need(await c.api.tickets()).items, done === 'filed' ? c.m.tickets.submitted : undefined));
  }));

  app.get(paths.ticketNew, hidden, customerPage(async (c, _req, reply) => sendPage(reply, newTicketPage(c.view(), { key: randomUUID() }))));

  app.post(paths.tickets, hidden, customerPage(async (c, req, reply) => {
    const f = (req.body ?? {}) as Form;
    const key = formKey(f.key);
    const input = { category: f.category ?? '', description: (f.description ?? '').trim() };
    const r = await c.api.openTicket(input, key);
    if (r.ok) return seeOther(reply, `${paths.tickets}?done=filed`);
    const { status, text } = refusal(c, r);
    // The same key again: what was typed is kept, and a retry of a request that did land is answered from the API's record.
    return sendPage(reply, newTicketPage(c.view(paths.ticketNew), { key, ...input, error: text }), status);
  }));

  const showTicket = async (c: PageContext, id: string, extra: { notice?: string; error?: string }, status = 200) => {
    const ticket = isUuid(id) ? maybe(await c.api.ticket(id)) : null;
    // Another customer's ticket is a 404 from the API: the same page as one that does not exist.
    if (!ticket) return { page: notFoundPage(c.view(), true), status: 404 };
    return { page: ticketPage(c.view(paths.ticket(id)), { ticket, ...extra }), status };
  };

  app.get(`${paths.tickets}/:id`, hidden, customerPage(async (c, req, reply) => {
    const { id } = req.params as { id: string };
    const done = (req.query as Form).done;
    const t = c.m.tickets;
    const notice = done === 'replied' ? t.replied : done === 'close' ? t.closedDone : done === 'reopen' ? t.reopenedDone : undefined;
    const shown = await showTicket(c, id, notice ? { notice } : {});
    return sendPage(reply, shown.page, shown.status);
  }));

  /** Post/redirect/get on success; the ticket again with the API's reason on refusal. */
  const ticketWrite = (write: (c: PageContext, id: string, f: Form) => Promise<ApiResult<unknown>> | null, done: (f: Form) => string) =>
    customerPage(async (c, req, reply) => {
      const { id } = req.params as { id: string };
      const f = (req.body ?? {}) as Form;
      const r = isUuid(id) ? await write(c, id, f) : null;
      if (r?.ok) return seeOther(reply, `${paths.ticket(id)}?done=${done(f)}`);
      const { status, text } = r ? refusal(c, r) : { status: 400, text: errorText(c.m, 'validation_failed') };
      const shown = await showTicket(c, id, { error: text }, status);
      return sendPage(reply, shown.page, shown.status);
    });

  app.post(`${paths.tickets}/:id/comments`, hidden, ticketWrite((c, id, f) => {
    const body = (f.body ?? '').trim();
    return body ? c.api.commentOnTicket(id, body) : null;
  }, () => 'replied'));

  app.post(`${paths.tickets}/:id/actions`, hidden, ticketWrite((c, id, f) => (f.action === 'close' || f.action === 'reopen' ? c.api.moveTicket(id, f.action) : null), (f) => f.action ?? ''));
}
