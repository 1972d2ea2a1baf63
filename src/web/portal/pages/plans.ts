import { html, type Html } from '../../html.ts';
import { paths } from '../paths.ts';
import { date, money, percent, positive } from '../../i18n/format.ts';
import type { CustomerPlan, PayoffQuote } from '../../api-client.ts';
import { page, type View } from '../layout.ts';
import { badge, itemName } from '../parts.ts';

export function plansPage(v: View, plans: readonly CustomerPlan[]): Html {
  const m = v.m;
  return page(v, { title: m.plansTitle, tab: 'plans', nav: true }, html`<h1>${m.plansTitle}</h1>
${plans.length === 0 ? html`<p class="card muted">${m.noPlans}</p>` : html`<ul class="plain card">
${plans.map((p) => {
    const paidCount = p.installments.filter((i) => i.status === 'paid' || i.status === 'waived').length;
    return html`<li class="item"><a href="${paths.plan(p.id)}">
<div class="row"><span class="title">${itemName(m, p)}</span>${badge(p.status, m.planStatus[p.status])}</div>
<div class="row small muted"><span>${m.orderedFrom(p.merchantName, date(v.locale, p.startDate))}</span><span class="num">${money(p.financed)}</span></div>
<div class="row small"><span>${m.paidOfTerms(paidCount, p.terms)}</span>${positive(p.outstanding) ? html`<span class="num">${m.remaining(money(p.outstanding))}</span>` : ''}</div>
</a></li>`;
  })}
</ul>`}`);
}

/**
 * One plan: what was bought, on what terms, every installment with its parts, and the two
 * ways to pay ahead (one installment, or everything with the quote and what it saves).
 */
export function planPage(v: View, p: CustomerPlan, quote: PayoffQuote | null): Html {
  const m = v.m;
  const c = p.contract;
  const open = p.status === 'active';
  const hasInterest = p.installments.some((i) => positive(i.interest));
  const hasFee = p.installments.some((i) => positive(i.fee));
  const hasPenalty = p.installments.some((i) => positive(i.penalty));
  const cell = (label: string, value: string, cls = '') => html`<td data-label="${label}" class="num ${cls}">${value}</td>`;
  // A pay button where paying is what the customer came for: the earliest unpaid installment
  // and anything already due. Later ones are paid ahead through early payoff or any amount.
  const firstUnpaid = p.installments.find((i) => positive(i.outstanding))?.number;
  const rows = p.installments.map((i) => {
    const payable = open && positive(i.outstanding) && (i.number === firstUnpaid || i.status !== 'upcoming');
    return html`<tr class="${i.status === 'overdue' ? 'is-overdue' : ''}">
<td class="head">${m.installmentOf(i.number, p.terms)}</td>
<td data-label="${m.colDue}" class="num">${date(v.locale, i.dueDate)}</td>
${cell(m.colPrincipal, money(i.principal))}
${hasInterest ? cell(m.colInterest, money(i.interest)) : ''}
${hasFee ? cell(m.colFee, money(i.fee)) : ''}
${hasPenalty ? cell(m.colPenalty, money(i.penalty)) : ''}
${cell(m.colPaid, money(i.paid))}
<td data-label="${m.colStatus}" class="st">${badge(i.status, m.installmentStatus[i.status])}</td>
<td class="act">${payable ? html`<a class="btn small" href="${paths.payInstallment(p.id, i.number)}" aria-label="${m.repayInstallmentLabel(i.number)}">${m.repayInstallment}</a>` : ''}</td>
</tr>`;
  });
  const rate = (label: string, value: string | null) => (value && Number(value) > 0 ? html`<dt>${label}</dt><dd>${percent(value)}</dd>` : '');
  return page(v, { title: itemName(m, p), tab: 'plans', nav: true }, html`<h1>${itemName(m, p)}</h1>
<section class="card" aria-label="${m.planTitle}">
<div class="row"><span class="muted small">${m.orderedFrom(p.merchantName, date(v.locale, p.startDate))}</span>${badge(p.status, m.planStatus[p.status])}</div>
<dl class="facts">
<dt>${m.price}</dt><dd>${money(p.amount)}</dd>
${positive(p.downPayment) ? html`<dt>${m.downPayment}</dt><dd>${money(p.downPayment)}</dd>` : ''}
<dt>${m.financed}</dt><dd>${money(p.financed)}</dd>
<dt>${m.terms}</dt><dd>${m.termsValue(p.terms)}</dd>
<dt>${m.method}</dt><dd>${c.methodName[v.locale]}</dd>
<dt>${m.apr}</dt><dd><strong>${percent(p.apr)}</strong></dd>
${positive(p.outstanding) ? html`<dt>${m.outstanding}</dt><dd><strong>${money(p.outstanding)}</strong></dd>` : ''}
</dl>
</section>
<section class="card" aria-labelledby="schedule-h">
<h2 id="schedule-h">${m.schedule}</h2>
<table class="schedule">
<caption>${m.scheduleCaption}</caption>
<thead><tr><th scope="col">${m.colNumber}</th><th scope="col">${m.colDue}</th><th scope="col">${m.colPrincipal}</th>${hasInterest ? html`<th scope="col">${m.colInterest}</th>` : ''}${hasFee ? html`<th scope="col">${m.colFee}</th>` : ''}${hasPenalty ? html`<th scope="col">${m.colPenalty}</th>` : ''}<th scope="col">${m.colPaid}</th><th scope="col">${m.colStatus}</th><th scope="col"><span class="muted">${m.colAction}</span></th></tr></thead>
<tbody>${rows}</tbody>
</table>
</section>
${open ? payoffCard(v, p, quote) : ''}
<details class="card">
<summary>${m.contract}</summary>
<dl class="facts">
<dt>${m.method}</dt><dd>${c.methodName[v.locale]}</dd>
<dt>${m.terms}</dt><dd>${m.termsValue(c.terms)}</dd>
${rate(m.annualRate, c.annualRate)}${rate(m.monthlyFeeRate, c.monthlyFeeRate)}${rate(m.totalFeeRate, c.totalFeeRate)}
<dt>${m.apr}</dt><dd>${percent(c.apr)}</dd>
<dt>${m.grace}</dt><dd>${m.graceValue(c.graceDays)}</dd>
</dl>
<h3 class="small">${m.lateChargesRule}</h3><p class="small">${c.lateCharges[v.locale]}</p>
<h3 class="small">${m.earlyPayoffRule}</h3><p class="small">${c.earlyPayoff[v.locale]}</p>
</details>`);
}

function payoffCard(v: View, p: CustomerPlan, q: PayoffQuote | null): Html {
  const m = v.m;
  if (!q) return html`<section class="card"><h2>${m.earlyPayoff}</h2><p class="muted">${m.payoffUnavailable}</p></section>`;
  return html`<section class="card" aria-labelledby="payoff-h">
<h2 id="payoff-h">${m.earlyPayoff}</h2>
<p class="muted small">${m.payoffToday(date(v.locale, q.validOn))}</p>
<p class="big">${money(q.total)}</p>
<p class="${positive(q.saves) ? 'ok' : 'muted'}">${positive(q.saves) ? m.payoffSaves(money(q.saves)) : m.payoffNoSaving}</p>
<p class="small muted">${q.policy[v.locale]}</p>
<a class="btn secondary" href="${paths.payOff(p.id)}">${m.payoffButton(money(q.total))}</a>
</section>`;
}
