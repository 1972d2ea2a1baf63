import type { FastifyInstance } from 'fastify';
import { isUuid } from '../api-client.ts';
import { errorText } from '../i18n/messages.ts';
import { serviceMessages } from '../i18n/service-messages.ts';
import { need, seeOther, sendPage, SessionEnded, type PageContext } from '../request-context.ts';
import type { Form, PortalKit } from './kit.ts';
import { autoDebitPage } from './pages/autodebit.ts';
import { helpPage } from './pages/help.ts';
import { messagesPage } from './pages/messages.ts';
import { whereToPayPage } from './pages/where-to-pay.ts';
import { paths } from './paths.ts';

/** Auto-debit (sign, cancel, 扣款记录), the inbox, the help centre and where to pay now. */
export function serviceRoutes(app: FastifyInstance, kit: PortalKit): void {
  const { customerPage, hidden, ctx } = kit;

  async function autoDebitState(c: PageContext) {
    const [record, plans] = await Promise.all([c.api.autoDebit(), c.api.plans()]);
    return { record: need(record), plans: need(plans).plans };
  }

  app.get(paths.autoDebit, hidden, customerPage(async (c, req, reply) => {
    const done = (req.query as Form).done;
    const sm = serviceMessages(c.locale);
    const notice = done === 'signed' ? sm.autoDebitSigned : done === 'cancelled' ? sm.autoDebitCancelled : undefined;
    return sendPage(reply, autoDebitPage(c.view(), { ...(await autoDebitState(c)), ...(notice ? { notice } : {}) }));
  }));

  /** Post/redirect/get on success; the page again with the API's reason on refusal. */
  const autoDebitAction = (act: (c: PageContext, f: Form) => ReturnType<PageContext['api']['signAutoDebit']> | null, done: string) =>
    customerPage(async (c, req, reply) => {
      const r = await act(c, (req.body ?? {}) as Form);
      if (r?.ok) return seeOther(reply, `${paths.autoDebit}?done=${done}`);
      if (r && r.problem.code === 'unauthorized') throw new SessionEnded();
      const status = r ? (r.status >= 500 ? 502 : r.status) : 400;
      return sendPage(reply, autoDebitPage(c.view(paths.autoDebit), { ...(await autoDebitState(c)), error: errorText(c.m, r?.problem.code ?? 'validation_failed') }), status);
    });

  app.post(paths.autoDebitSign, hidden, autoDebitAction((c, f) => {
    if (f.plan && !isUuid(f.plan)) return null;
    return c.api.signAutoDebit(f.plan || null);
  }, 'signed'));
  app.post(paths.autoDebitCancel, hidden, autoDebitAction((c, f) => (f.id && isUuid(f.id) ? c.api.cancelAutoDebit(f.id) : null), 'cancelled'));

  app.get(paths.messages, hidden, customerPage(async (c, req, reply) => {
    const before = (req.query as Form).before;
    return sendPage(reply, messagesPage(c.view(), need(await c.api.inbox(before && isUuid(before) ? before : undefined))));
  }));

  app.post(paths.messageRead, hidden, customerPage(async (c, req, reply) => {
    const id = ((req.body ?? {}) as Form).id;
    // Another customer's message answers 404 from the API: the list simply shows again.
    if (id && isUuid(id)) {
      const r = await c.api.markRead(id);
      if (!r.ok && r.problem.code === 'unauthorized') throw new SessionEnded();
    }
    return seeOther(reply, paths.messages);
  }));

  app.get(paths.whereToPay, hidden, customerPage(async (c, _req, reply) => {
    const [where, plans] = await Promise.all([c.api.whereToPay(), c.api.plans()]);
    return sendPage(reply, whereToPayPage(c.view(), need(where).items, need(plans).plans));
  }));

  // Help is for everyone: someone who cannot log in needs it most.
  app.get(paths.help, hidden, async (req, reply) => {
    const c = ctx(req, reply);
    return sendPage(reply, helpPage(c.view(), c.api.loggedIn));
  });
}
