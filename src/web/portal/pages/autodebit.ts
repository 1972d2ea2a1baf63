import { html, type Html } from '../../html.ts';
import { date, dateTime, money } from '../../i18n/format.ts';
import { serviceMessages } from '../../i18n/service-messages.ts';
import type { AutoDebitAgreement, AutoDebitRecord, CustomerPlan } from '../../api-client.ts';
import { alert, page, type View } from '../layout.ts';
import { badge, hiddenField, itemName } from '../parts.ts';
import { paths } from '../paths.ts';

export interface AutoDebitState { record: AutoDebitRecord; plans: readonly CustomerPlan[]; notice?: string; error?: string }

const FAILED = new Set(['insufficient_funds', 'agreement_revoked', 'failed']);

/**
 * 自动扣款: one switch for all plans, one per open plan, and every attempt (扣款记录) with
 * its result and reason — a failed debit says so plainly, because the bill still has to be paid.
 */
export function autoDebitPage(v: View, s: AutoDebitState): Html {
  const sm = serviceMessages(v.locale);
  const active = s.record.agreements.filter((a) => a.status === 'active');
  const forAll = active.find((a) => a.planId === null);
  const forPlan = new Map(active.filter((a) => a.planId !== null).map((a) => [a.planId!, a]));
  const open = s.plans.filter((p) => p.status === 'active');
  const gateway = (a: AutoDebitAgreement) => sm.gatewayNames[a.gateway] ?? a.gateway;

  const control = (a: AutoDebitAgreement | undefined, planId: string | null, label: string) => a
    ? html`<form method="post" action="${paths.autoDebitCancel}">${hiddenField('id', a.id)}<button class="btn small secondary" type="submit" aria-label="${`${sm.autoDebitCancel}: ${label}`}">${sm.autoDebitCancel}</button></form>`
    : html`<form method="post" action="${paths.autoDebitSign}">${hiddenField('plan', planId ?? undefined)}<button class="btn small" type="submit" aria-label="${`${sm.autoDebitSign}: ${label}`}">${sm.autoDebitSign}</button></form>`;

  const planRows = open.map((p) => {
    const own = forPlan.get(p.id);
    const name = itemName(v.m, p);
    const state = own ? html`${badge('paid', sm.autoDebitOn)} <span class="small muted">${sm.autoDebitVia(gateway(own))}</span>`
      : forAll ? html`${badge('paid', sm.autoDebitOn)} <span class="small muted">${sm.autoDebitCoveredByAll}</span>` : badge('', sm.autoDebitOff);
    return html`<li class="row" data-testid="autodebit-plan"><span><span class="title">${name}</span><br>${state}</span>${forAll && !own ? '' : control(own, p.id, name)}</li>`;
  });

  const attempts = s.record.attempts.length === 0 ? html`<p class="muted">${sm.attemptsEmpty}</p>` : html`<ul class="plain">${s.record.attempts.map((a) => html`<li data-testid="attempt">
<div class="row"><span>${sm.attemptFor(date(v.locale, a.dueDate))}</span><span class="num">${money(a.amount)}</span></div>
<div class="row small"><span class="muted">${dateTime(v.locale, a.time)}</span>${badge(a.result === 'succeeded' ? 'paid' : FAILED.has(a.result) ? 'overdue' : '', sm.attemptResult[a.result] ?? a.result)}</div>
${a.reason && FAILED.has(a.result) ? html`<p class="small danger">${a.reason}</p>` : ''}</li>`)}</ul>
${s.record.attempts.some((a) => FAILED.has(a.result)) ? html`<p class="small">${sm.attemptFailedHelp} <a href="${paths.pay}">${v.m.repayNow}</a></p>` : ''}`;

  return page(v, { title: sm.autoDebitTitle, tab: 'account', nav: true }, html`<h1>${sm.autoDebitTitle}</h1>
${s.error ? alert('danger', s.error) : ''}${s.notice ? alert('ok', s.notice) : ''}
<p class="small muted">${sm.autoDebitLead}</p>
<section class="card" aria-labelledby="ad-all-h">
<div class="row"><span><h2 id="ad-all-h">${sm.autoDebitAll}</h2><span class="small muted">${forAll ? sm.autoDebitSince(dateTime(v.locale, forAll.createdAt)) : sm.autoDebitAllHint}</span></span>${control(forAll, null, sm.autoDebitAll)}</div>
</section>
${open.length ? html`<section class="card" aria-labelledby="ad-plans-h"><h2 id="ad-plans-h">${v.m.myPlans}</h2><ul class="plain">${planRows}</ul></section>` : ''}
<section class="card" aria-labelledby="ad-log-h"><h2 id="ad-log-h">${sm.attemptsTitle}</h2>${attempts}</section>`);
}
