import { html, type Html } from '../../html.ts';
import { alert } from '../../portal/layout.ts';
import { consolePage, hiddenKey, table, type ConsoleView } from '../layout.ts';
import { consolePaths } from '../paths.ts';
import { mayAct } from '../staff-session.ts';
import { CONTACT_CHANNELS, CONTACT_OUTCOMES } from '../../../core/collections/contact-rules.ts';
import { shanghaiTime } from './ticket-table.ts';

const BUCKETS = ['M1', 'M2', 'M3', 'M4+'] as const;

/** 催收队列 by bucket: the agent sees their own cases, a supervisor all of them (the API decides). */
export function collectionsPage(v: ConsoleView, s: { items: readonly any[]; bucket?: string; error?: string }): Html {
  const c = v.c;
  return consolePage(v, { title: c.collectionsTitle, section: 'collections' }, html`<h1>${c.collectionsTitle}</h1>
${s.error ? alert('danger', s.error) : ''}
<nav class="card small" aria-label="${c.bucket}"><a href="${consolePaths.collections}"${!s.bucket ? html` aria-current="page"` : ''}>${c.all}</a>${BUCKETS.map((b) => html` · <a href="${consolePaths.collections}?bucket=${encodeURIComponent(b)}"${s.bucket === b ? html` aria-current="page"` : ''}>${b}</a>`)}</nav>
<section class="card">${table(c, c.collectionsTitle, [c.customer, c.bucket, c.dpd, c.overdue, c.promise, ''], s.items.map((i) => [
    html`<span class="num">${i.phoneMasked ?? '—'}</span>`, i.bucket, String(i.daysPastDue), `¥${i.overdue}`,
    i.openPromise ? `${i.openPromise.promisedOn} ¥${i.openPromise.amount}` : c.none,
    html`<a href="${consolePaths.collectionCase(i.customerId, i.caseId)}">${c.contacts}</a>`,
  ]))}</section>`);
}

/** One case: contact log, promises, and the forms to log a contact, record a promise, offer a hardship plan. */
export function casePage(v: ConsoleView, s: { item: any; notice?: string; error?: string; formKey: string }): Html {
  const c = v.c;
  const k = s.item;
  const act = v.staff ? mayAct(v.staff) : false;
  return consolePage(v, { title: `${c.collectionsTitle} ${k.phoneMasked ?? ''}`, section: 'collections' }, html`<h1>${c.collectionsTitle} · <span class="num">${k.phoneMasked ?? ''}</span></h1>
${s.error ? alert('danger', s.error) : ''}${s.notice ? alert('ok', s.notice) : ''}
<section class="card"><p>${c.bucket} <strong>${k.bucket}</strong> · ${c.dpd} <strong>${k.daysPastDue}</strong> · ${c.status} ${k.status}</p>
<p class="small"><a href="${consolePaths.customer(k.customerId)}">${c.customer}</a> · ${c.plan} <span class="num">${k.planId}</span></p></section>
<section class="card"><h2>${c.contacts}</h2>
${table(c, c.contacts, [c.contactedAt, c.channel, c.outcome, c.note], (k.contacts as any[]).map((x) => [shanghaiTime(x.contactedAt), x.channel, x.outcome, x.note ?? '']))}
<h2>${c.promises}</h2>
${table(c, c.promises, [c.promisedOn, c.amount, c.status, c.paid], (k.promises as any[]).map((x) => [x.promisedOn, `¥${x.amount}`, x.status, x.paid ? `¥${x.paid}` : '—']))}
</section>
${act ? html`<section class="card"><h2>${c.logContact}</h2><p class="small muted">${c.quietHours}</p>
<form method="post" action="${consolePaths.caseAction(k.customerId, k.caseId, 'contact')}">${hiddenKey(s.formKey)}
<label for="ch">${c.channel}</label><select id="ch" name="channel">${CONTACT_CHANNELS.map((o) => html`<option value="${o}">${o}</option>`)}</select>
<label for="oc">${c.outcome}</label><select id="oc" name="outcome">${CONTACT_OUTCOMES.map((o) => html`<option value="${o}">${o}</option>`)}</select>
<label for="nt">${c.note}</label><input id="nt" name="note" maxlength="1000">
<button class="btn small" type="submit">${c.logContact}</button></form>
<h2>${c.recordPromise}</h2>
<form method="post" action="${consolePaths.caseAction(k.customerId, k.caseId, 'promise')}">${hiddenKey(s.formKey)}
<label for="pd">${c.promisedOn}</label><input id="pd" name="promisedOn" type="date" required>
<label for="pa">${c.amount}</label><input id="pa" name="amount" inputmode="decimal" pattern="\\d+(\\.\\d{1,2})?" required>
<button class="btn small" type="submit">${c.recordPromise}</button></form>
<h2>${c.offerHardship}</h2>
<form method="post" action="${consolePaths.caseAction(k.customerId, k.caseId, 'hardship')}">${hiddenKey(s.formKey)}
<input type="hidden" name="planId" value="${k.planId}">
<label for="ht">${c.extraTerms}</label><input id="ht" name="terms" type="number" min="1" max="60" required>
<label for="hw">${c.waivePenalties}</label><input id="hw" name="penaltyWaived" inputmode="decimal" pattern="\\d+(\\.\\d{1,2})?" value="0.00" required>
<button class="btn small" type="submit">${c.offerHardship}</button></form></section>` : ''}`);
}
