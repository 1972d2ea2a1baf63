import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app/deps.ts';
import { formatYuan, parseYuan } from '../../core/money/parse.ts';
import { isUuid, type Problem, type RepayRequest } from '../api-client.ts';
import { date, fenOf, money, positive } from '../i18n/format.ts';
import { errorText } from '../i18n/messages.ts';
import { maybe, need, seeOther, sendPage, SessionEnded, type PageContext } from '../request-context.ts';
import type { Form, PortalKit } from './kit.ts';
import { notFoundPage } from './pages/errors.ts';
import { paymentStatusPage, receiptPage, repayPage, type RepayChoice, type RepayFormState, type RepayOption } from './pages/repay.ts';
import { itemName } from './parts.ts';
import { paths } from './paths.ts';
import type { PortalOptions } from './routes.ts';

/**
 * Paying: the choice of amount and channel, the payment in flight ("processing" until the
 * gateway answers), and the receipt.
 */
export function payRoutes(app: FastifyInstance, deps: AppDeps, kit: PortalKit, options: PortalOptions): void {
  const { customerPage, hidden } = kit;
  // Asked per request: the payments routes may be registered after this plugin.
  const viaCashier = () => options.gatewayPayments ?? app.hasRoute({ method: 'POST', url: '/v1/me/payments' });

  interface RepayTarget { due?: string; planId?: string; installmentNumber?: number; payoff?: boolean }

  const targetOf = (f: Form): RepayTarget => {
    const t: RepayTarget = {};
    if (f.dueDate && /^\d{4}-\d{2}-\d{2}$/.test(f.dueDate)) t.due = f.dueDate;
    if (f.plan && isUuid(f.plan)) {
      t.planId = f.plan;
      const n = Number(f.n);
      if (Number.isInteger(n) && n >= 1 && n <= 360) t.installmentNumber = n;
      if (f.payoff === '1') t.payoff = true;
    }
    return t;
  };

  /** The choices the repay page offers, with the amounts as the API reports them now. */
  async function repayForm(c: PageContext, t: RepayTarget, extra: Partial<RepayFormState> = {}): Promise<RepayFormState> {
    const m = c.m;
    const [current, line, bills, plan, quote] = await Promise.all([
      c.api.currentBill(), c.api.creditLine(), t.due ? c.api.bills() : null,
      t.planId ? c.api.plan(t.planId) : null, t.planId && t.payoff ? c.api.payoffQuote(t.planId) : null,
    ]);
    const cur = need(current);
    const options: RepayOption[] = [];
    if (t.due && bills) {
      // Paying a bill pays it and everything older still unpaid (the API's bill target).
      const owed = need(bills).bills.filter((b) => b.dueDate <= t.due! && b.status !== 'paid').reduce((s, b) => s + fenOf(b.outstanding), 0);
      if (owed > 0) options.push({ choice: 'bill', label: m.payBill, hint: m.payBillHint(date(c.locale, t.due)), amount: formatYuan(owed) });
    } else if (positive(cur.totalToPay)) {
      options.push({ choice: 'bill', label: m.payBill, ...(cur.bill ? { hint: m.payBillHint(date(c.locale, cur.bill.dueDate)) } : {}), amount: cur.totalToPay });
    }
    const p = plan ? maybe(plan) : null;
    if (p && t.installmentNumber) {
      const i = p.installments.find((x) => x.number === t.installmentNumber);
      if (i && positive(i.outstanding)) options.push({ choice: 'installment', label: `${itemName(m, p)} · ${m.payInstallment(i.number)}`, hint: date(c.locale, i.dueDate), amount: i.outstanding });
    }
    if (p && quote && quote.ok) {
      options.push({ choice: 'payoff', label: `${itemName(m, p)} · ${m.payPayoff}`, hint: positive(quote.body.saves) ? m.payoffSaves(money(quote.body.saves)) : m.payoffNoSaving, amount: quote.body.total });
    }
    const wanted: RepayChoice = t.payoff ? 'payoff' : t.installmentNumber ? 'installment' : 'bill';
    const selected = options.some((o) => o.choice === wanted) ? wanted : options[0]?.choice ?? 'amount';
    const creditBalance = need(line).creditBalance;
    const channels = [{ value: 'sandbox', label: m.channelSandbox }];
    if (positive(creditBalance)) channels.push({ value: 'credit_balance', label: m.channelCreditBalance(money(creditBalance)) });
    return {
      options, selected, channels, channel: 'sandbox', key: randomUUID(),
      ...(t.due ? { due: t.due } : {}), ...(t.planId ? { planId: t.planId } : {}), ...(t.installmentNumber ? { installmentNumber: t.installmentNumber } : {}),
      ...(t.payoff ? { payoff: true } : {}), ...extra,
    };
  }

  app.get(paths.pay, hidden, customerPage(async (c, req, reply) => {
    return sendPage(reply, repayPage(c.view(), await repayForm(c, targetOf(req.query as Form))));
  }));

  app.post(paths.pay, hidden, customerPage(async (c, req, reply) => {
    const f = (req.body ?? {}) as Form;
    const t = targetOf(f);
    const again = async (error: string, status: number) => {
      const state = await repayForm(c, t, { error, ...(f.custom ? { custom: f.custom } : {}) });
      if (f.choice === 'amount' || state.options.some((o) => o.choice === f.choice)) state.selected = f.choice as RepayChoice;
      return sendPage(reply, repayPage(c.view(paths.pay), state), status);
    };
    const refused = (p: Problem) => {
      if (p.code === 'unauthorized') throw new SessionEnded();
      return again(errorText(c.m, p.code), p.status >= 500 ? 502 : p.status);
    };
    const key = f.key && /^[\x21-\x7e]{1,255}$/.test(f.key) ? f.key : randomUUID();
    let body: RepayRequest;
    switch (f.choice) {
      case 'bill': body = { kind: 'bill', amount: f.amount_bill ?? '', ...(t.due ? { dueDate: t.due } : {}) }; break;
      case 'installment': body = { kind: 'installment', amount: f.amount_installment ?? '', planId: t.planId!, installmentNumber: t.installmentNumber! }; break;
      case 'payoff': body = { kind: 'payoff', amount: f.amount_payoff ?? '', planId: t.planId! }; break;
      default: {
        // People type "¥1,234.5" or "1 234,50"-free forms; accept the symbol, commas and spaces.
        const typed = (f.custom ?? '').replace(/[\s,，¥￥]/g, '');
        const amount = parseYuan(typed, { allowZero: false });
        if (!amount.ok) return again(errorText(c.m, 'amount_invalid'), 400);
        body = { kind: 'amount', amount: formatYuan(amount.value) };
      }
    }
    if ((body.kind === 'installment' && !body.installmentNumber) || (body.kind !== 'bill' && body.kind !== 'amount' && !body.planId)) {
      return again(errorText(c.m, 'validation_failed'), 400);
    }
    if (viaCashier() && f.channel !== 'credit_balance') {
      const r = await c.api.startPayment({ ...body, gateway: 'sandbox' }, key);
      if (!r.ok) return refused(r.problem);
      // The payment's own page: it opens the cashier and follows the payment until it settles,
      // whatever page the gateway sends the customer back to.
      return seeOther(reply, paths.payment(r.body.id));
    }
    const channel = f.channel === 'credit_balance' ? 'credit_balance' : 'sandbox';
    const r = await c.api.repay({ ...body, channel }, key);
    if (!r.ok) return refused(r.problem);
    return seeOther(reply, paths.receipt(r.body.id));
  }));

  app.get(`${paths.pay}/receipts/:id`, hidden, customerPage(async (c, req, reply) => {
    const { id } = req.params as { id: string };
    if (!isUuid(id)) return sendPage(reply, notFoundPage(c.view(), true), 404);
    // The history is newest first, so a receipt just made is on the first page.
    const [page, plans] = await Promise.all([c.api.repayments(100), c.api.plans()]);
    const record = need(page).items.find((r) => r.id === id);
    if (!record) return sendPage(reply, notFoundPage(c.view(), true), 404);
    return sendPage(reply, receiptPage(c.view(), record, need(plans).plans));
  }));

  app.get(`${paths.pay}/payments/:id`, hidden, customerPage(async (c, req, reply) => {
    const { id } = req.params as { id: string };
    if (!isUuid(id)) return sendPage(reply, notFoundPage(c.view(), true), 404);
    const p = maybe(await c.api.payment(id));
    if (!p) return sendPage(reply, notFoundPage(c.view(), true), 404);
    if (p.status === 'paid' && p.repaymentId) return seeOther(reply, paths.receipt(p.repaymentId));
    const checks = Number((req.query as Form).n ?? 1);
    const site = deps.config.publicUrl;
    // The sandbox cashier is on this site: a relative link works whatever host name was used.
    const cashier = p.pay?.kind === 'redirect' ? (p.pay.url.startsWith(`${site}/`) ? p.pay.url.slice(site.length) : p.pay.url) : null;
    return sendPage(reply, paymentStatusPage(c.view(), p, { cashier, checks: Number.isInteger(checks) && checks > 0 ? checks : 1 }));
  }));
}
