import { flag, html, type Html } from '../../html.ts';
import { paths } from '../paths.ts';
import { dateTime, fenOf, money, positive } from '../../i18n/format.ts';
import { formatYuan } from '../../../core/money/parse.ts';
import type { CustomerPlan, GatewayPayment, RepaymentRecord } from '../../api-client.ts';
import { alert, page, type View } from '../layout.ts';
import { hiddenField, linkButton, namesOf } from '../parts.ts';

export type RepayChoice = 'bill' | 'installment' | 'payoff' | 'amount';

export interface RepayOption { choice: Exclude<RepayChoice, 'amount'>; label: string; hint?: string; amount: string }
export interface ChannelOption { value: string; label: string }

export interface RepayFormState {
  options: RepayOption[];
  selected: RepayChoice;
  channels: ChannelOption[];
  channel: string;
  /** One key per attempt: a double tap or a resubmitted form pays once. */
  key: string;
  custom?: string;
  error?: string;
  /** What the page was opened for, carried through the POST. */
  due?: string;
  planId?: string;
  installmentNumber?: number;
  payoff?: boolean;
}

/**
 * Choosing what to pay and how. The amounts for the fixed choices are the ones the customer
 * sees and agrees to; they go to the API as shown, and the API decides what they settle.
 */
export function repayPage(v: View, s: RepayFormState): Html {
  const m = v.m;
  const nothing = s.options.length === 0;
  const radio = (value: string, checked: boolean, describedBy?: string) =>
    html`<input type="radio" name="choice" value="${value}"${flag('checked', checked)}${describedBy ? html` aria-describedby="${describedBy}"` : ''}>`;
  return page(v, { title: m.repayTitle, nav: true }, html`<h1>${m.repayTitle}</h1>
${s.error ? alert('danger', s.error) : ''}
${nothing ? alert('ok', m.repayNothing) : ''}
<form method="post" action="${paths.pay}" class="card">
${hiddenField('key', s.key)}${hiddenField('dueDate', s.due)}${hiddenField('plan', s.planId)}${hiddenField('n', s.installmentNumber)}${hiddenField('payoff', s.payoff ? '1' : undefined)}
<fieldset><legend>${m.whatToPay}</legend>
${s.options.map((o) => html`${hiddenField(`amount_${o.choice}`, o.amount)}<label class="choice">${radio(o.choice, s.selected === o.choice, o.hint ? `hint-${o.choice}` : undefined)}<span class="grow"><span class="row"><span>${o.label}</span><strong class="num">${money(o.amount)}</strong></span>${o.hint ? html`<span class="hint" id="hint-${o.choice}">${o.hint}</span>` : ''}</span></label>`)}
<div class="choice custom"><label class="grow">${radio('amount', s.selected === 'amount' || nothing)} ${m.payCustom}</label>
<div class="custom-amount"><label for="custom">${m.customAmountLabel}<span class="hint" id="custom-hint">${m.customAmountHint}</span></label>
<input id="custom" name="custom" type="text" inputmode="decimal" autocomplete="off" maxlength="16" aria-describedby="custom-hint" value="${s.custom ?? ''}" placeholder="0.00"></div></div>
</fieldset>
<fieldset><legend>${m.channel}</legend>
${s.channels.map((c) => html`<label class="choice"><input type="radio" name="channel" value="${c.value}"${flag('checked', c.value === s.channel)}><span class="grow">${c.label}</span></label>`)}
</fieldset>
<button class="btn" type="submit">${m.confirmRepay}</button>
</form>`);
}

/** The receipt of a settled repayment: amount, time, channel, and where every fen went. */
export function receiptPage(v: View, r: RepaymentRecord, plans: readonly CustomerPlan[]): Html {
  const m = v.m;
  const name = namesOf(m, plans);
  const paidOff = plans.filter((p) => p.status === 'paid_off' && r.plans.some((x) => x.planId === p.id));
  const waivedTotal = r.waived.flatMap((w) => w.allocations).reduce((sum, a) => sum + fenOf(a.amount), 0);
  return page(v, { title: m.receiptTitle, nav: true }, html`<section class="card receipt center" aria-labelledby="receipt-h">
<div class="tick" aria-hidden="true">✓</div>
<h1 id="receipt-h">${m.receiptTitle}</h1>
<p class="big" data-testid="receipt-amount">${money(r.amount)}</p>
<p class="muted">${m.receiptLead}</p>
</section>
<section class="card">
<dl class="facts">
<dt>${m.receiptKind}</dt><dd>${m.kindName[r.kind] ?? r.kind}</dd>
<dt>${m.receiptChannel}</dt><dd>${m.channelName[r.channel] ?? r.channel}</dd>
<dt>${m.receiptTime}</dt><dd>${dateTime(v.locale, r.createdAt)}</dd>
<dt>${m.receiptNumber}</dt><dd class="small">${r.id}</dd>
</dl>
</section>
<section class="card" aria-labelledby="alloc-h">
<h2 id="alloc-h">${m.receiptAllocation}</h2>
<ul class="plain small">
${r.plans.map((part) => html`<li><div class="title"><a href="${paths.plan(part.planId)}">${name(part.planId)}</a></div>
${part.allocations.map((a) => html`<div class="row"><span class="muted">${m.payInstallment(a.installmentNumber)} · ${m.componentName[a.component] ?? a.component}</span><span class="num">${money(a.amount)}</span></div>`)}</li>`)}
</ul>
${positive(r.toCreditBalance) ? html`<p class="small">${m.receiptToCreditBalance(money(r.toCreditBalance))}</p>` : ''}
${waivedTotal > 0 ? html`<p class="small ok">${m.receiptWaived(money(formatYuan(waivedTotal)))}</p>` : ''}
${paidOff.map((p) => html`<p class="ok">✓ ${m.receiptPaidOff(name(p.id))}</p>`)}
</section>
${linkButton(paths.home, m.backHome)}
${linkButton(paths.bills, m.viewBills, 'secondary')}`);
}

/** Seconds before the n-th automatic check: quick at first, then patient (a payment lives for hours). */
export function recheckSeconds(n: number): number {
  const ladder = [2, 3, 5, 10, 20, 30];
  return ladder[n - 1] ?? 60;
}

/**
 * A gateway payment while the gateway has not told us the result: "processing" (处理中),
 * never "unpaid". The cashier opens in a new tab; this page reloads itself (no script, a
 * meta refresh that backs off) and turns into the receipt once the payment settles.
 */
export function paymentStatusPage(v: View, p: GatewayPayment, o: { cashier: string | null; checks: number }): Html {
  const m = v.m;
  if (p.status === 'processing') {
    const next = `${paths.payment(p.id)}?n=${o.checks + 1}`;
    return page(v, { title: m.processing, nav: true, refresh: { seconds: recheckSeconds(o.checks), url: next } }, html`<section class="card center" aria-live="polite">
<h1>${m.processing}</h1>
<p class="big" data-testid="payment-amount">${money(p.amount)}</p>
<p class="muted">${m.processingLead}</p>
${o.cashier ? html`<a class="btn" href="${o.cashier}" target="_blank" rel="noopener">${m.payAtCashier}</a>` : ''}
<a class="btn secondary" href="${paths.payment(p.id)}">${m.refresh}</a>
</section>`);
  }
  return page(v, { title: m.tryAgain, nav: true }, html`<section class="card center">
${alert('danger', p.status === 'expired' ? m.paymentExpired : m.paymentFailed)}
<p class="big">${money(p.amount)}</p>
${linkButton(paths.pay, m.tryAgain)}
</section>`);
}
