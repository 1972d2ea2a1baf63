import type { FastifyInstance } from 'fastify';
import { positive } from '../i18n/format.ts';
import { errorText } from '../i18n/messages.ts';
import { need, sendPage, type PageContext } from '../request-context.ts';
import type { Form, PortalKit } from './kit.ts';
import { accountPage, cancelledPage } from './pages/account.ts';
import { paths } from './paths.ts';

/** The account page and cancellation (注销), which needs a fresh code. */
export function accountRoutes(app: FastifyInstance, kit: PortalKit): void {
  const { customerPage, endSession, hidden } = kit;
  async function accountState(c: PageContext) {
    const [account, plans, line] = await Promise.all([c.api.account(), c.api.plans(), c.api.creditLine()]);
    const owes = need(plans).plans.some((p) => positive(p.outstanding)) || positive(need(line).creditBalance);
    return { account: need(account), owes };
  }

  app.get(paths.account, hidden, customerPage(async (c, _req, reply) => sendPage(reply, accountPage(c.view(), await accountState(c)))));

  app.post(paths.cancelCode, hidden, customerPage(async (c, _req, reply) => {
    const s = await accountState(c);
    if (s.owes) return sendPage(reply, accountPage(c.view(paths.account), { ...s, error: errorText(c.m, 'account_has_balance') }), 422);
    const r = await c.api.sendReauthCode();
    if (!r.ok) return sendPage(reply, accountPage(c.view(paths.account), { ...s, error: errorText(c.m, r.problem.code) }), r.status);
    return sendPage(reply, accountPage(c.view(paths.account), { ...s, cancelStep: 'code', notice: c.m.codeSent }));
  }));

  app.post(paths.cancel, hidden, customerPage(async (c, req, reply) => {
    const code = (((req.body ?? {}) as Form).code ?? '').replace(/\s/g, '');
    const s = await accountState(c);
    const reauth = await c.api.reauthenticate(code);
    if (!reauth.ok) {
      const error = errorText(c.m, reauth.problem.code === 'validation_failed' ? 'otp_invalid' : reauth.problem.code);
      return sendPage(reply, accountPage(c.view(paths.account), { ...s, cancelStep: 'code', error }), reauth.status);
    }
    const r = await c.api.cancelAccount();
    if (!r.ok) return sendPage(reply, accountPage(c.view(paths.account), { ...s, error: errorText(c.m, r.problem.code) }), r.status);
    endSession(c, reply);
    return sendPage(reply, cancelledPage(c.view(paths.login)));
  }));
}
