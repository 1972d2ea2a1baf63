import { html, type Html } from '../../html.ts';
import { dateTime } from '../../i18n/format.ts';
import type { Locale } from '../../i18n/locale.ts';
import type { Ticket, TicketDetail, TicketEvent } from '../../api-client.ts';
import { CATEGORY_RULES, TICKET_CATEGORIES } from '../../../core/service/categories.ts';
import { alert, page, type View } from '../layout.ts';
import { badge, hiddenField } from '../parts.ts';
import { paths } from '../paths.ts';

/** The category's words come from the core's rules, so the portal, the console and reports say the same thing. */
const categoryLabel = (locale: Locale, code: string): string => {
  const rule = CATEGORY_RULES[code as keyof typeof CATEGORY_RULES];
  return rule ? (locale === 'en' ? rule.labelEn : rule.labelZh) : code;
};

/** Waiting on the customer is the status they must act on: it stands out. */
const statusBadge = (v: View, status: string): Html =>
  badge(status === 'closed' ? 'paid' : status === 'waiting_customer' || status === 'resolved' ? 'overdue' : '', v.m.tickets.status[status] ?? status);

export interface NewTicketState { key: string; category?: string; description?: string; error?: string }

/** 联系客服: the categories as radio choices (work without script, large tap targets), a description, one idempotency key per rendered form. */
export function newTicketPage(v: View, s: NewTicketState): Html {
  const t = v.m.tickets;
  const choices = TICKET_CATEGORIES.map((code) => html`<label class="choice"><input type="radio" name="category" value="${code}" required${s.category === code ? html` checked` : ''}><span class="grow">${categoryLabel(v.locale, code)}</span></label>`);
  return page(v, { title: t.newTitle, tab: 'account', nav: true }, html`<h1>${t.newTitle}</h1>
${s.error ? alert('danger', s.error) : ''}
<p class="small muted">${t.newLead}</p>
<form method="post" action="${paths.tickets}" class="card">
${hiddenField('key', s.key)}
<fieldset><legend>${t.categoryLegend}</legend>${choices}</fieldset>
<label for="description">${t.descriptionLabel}<span class="hint" id="description-hint">${t.descriptionHint}</span></label>
<textarea id="description" name="description" rows="5" minlength="2" maxlength="2000" required aria-describedby="description-hint">${s.description ?? ''}</textarea>
<p><button class="btn" type="submit">${t.submit}</button></p>
</form>
<p><a href="${paths.tickets}">${t.myTickets} ›</a></p>`);
}

/** 我的工单: newest first, each with its status. */
export function ticketsPage(v: View, tickets: readonly Ticket[], notice?: string): Html {
  const t = v.m.tickets;
  const rows = tickets.map((k) => html`<li class="item" data-testid="ticket"><a href="${paths.ticket(k.id)}">
<div class="row"><span class="title">${categoryLabel(v.locale, k.category)}</span>${statusBadge(v, k.status)}</div>
<div class="small muted">${k.subject}</div>
<div class="small muted">${t.openedOn(dateTime(v.locale, k.createdAt))}</div></a></li>`);
  return page(v, { title: t.title, tab: 'account', nav: true }, html`<h1>${t.title}</h1>
${notice ? alert('ok', notice) : ''}
<p><a class="btn" href="${paths.ticketNew}">${t.contactUs}</a></p>
<section class="card">${tickets.length ? html`<ul class="plain">${rows}</ul>` : html`<p class="muted">${t.empty}</p>`}</section>`);
}

function eventLine(v: View, e: TicketEvent): Html {
  const t = v.m.tickets;
  const who = t.by[e.by] ?? e.by;
  const change = e.toStatus ? html` → ${t.status[e.toStatus] ?? e.toStatus}` : '';
  return html`<li data-testid="ticket-event"><div class="row small"><span><strong>${who}</strong> ${t.event[e.kind] ?? e.kind}${change}</span><span class="muted">${dateTime(v.locale, e.at)}</span></div>
${e.body ? html`<p>${e.body}</p>` : ''}</li>`;
}

export interface TicketState { ticket: TicketDetail; notice?: string; error?: string }

/** One ticket: what was asked, everything that happened since, a reply form, and close / reopen once staff resolved it. */
export function ticketPage(v: View, s: TicketState): Html {
  const t = v.m.tickets;
  const k = s.ticket;
  const action = (name: 'close' | 'reopen', label: string, kind = '') => html`<form method="post" action="${paths.ticketAction(k.id)}">${hiddenField('action', name)}<button class="btn ${kind}" type="submit">${label}</button></form>`;
  const decide = k.status === 'resolved'
    ? html`<section class="card" aria-labelledby="decide-h"><h2 id="decide-h">${t.resolvedAsk}</h2>${action('close', t.confirmResolved)}${action('reopen', t.reopen, 'secondary')}</section>`
    : k.status === 'closed' ? html`<section class="card">${action('reopen', t.reopen, 'secondary')}</section>` : '';
  const reply = k.status === 'closed' ? '' : html`<form method="post" action="${paths.ticketComment(k.id)}" class="card">
<label for="body">${t.replyLabel}</label>
<textarea id="body" name="body" rows="3" maxlength="2000" required></textarea>
<p><button class="btn secondary" type="submit">${t.replySubmit}</button></p>
</form>`;
  // Before the first answer the first-response timer is what the customer waits for; after it, the resolution timer.
  const dueAt = k.status === 'open' ? k.sla.firstResponseDueAt : k.status === 'in_progress' ? k.sla.resolutionDueAt : null;
  return page(v, { title: t.title, tab: 'account', nav: true }, html`<h1>${categoryLabel(v.locale, k.category)}</h1>
${s.error ? alert('danger', s.error) : ''}${s.notice ? alert('ok', s.notice) : ''}
<section class="card"><div class="row"><span class="small muted">${t.openedOn(dateTime(v.locale, k.createdAt))}</span><span data-testid="ticket-status">${statusBadge(v, k.status)}</span></div>
<p>${k.description}</p>
${dueAt ? html`<p class="small muted">${t.replyBy(dateTime(v.locale, dueAt))}</p>` : ''}</section>
${decide}
<section class="card" aria-labelledby="history-h"><h2 id="history-h">${t.history}</h2><ul class="plain">${k.history.map((e) => eventLine(v, e))}</ul></section>
${reply}
<p><a href="${paths.tickets}">${t.myTickets} ›</a></p>`);
}
