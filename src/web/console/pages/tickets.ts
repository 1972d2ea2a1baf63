import { html, type Html } from '../../html.ts';
import { alert } from '../../portal/layout.ts';
import { consolePage, hiddenKey, table, type ConsoleView } from '../layout.ts';
import { consolePaths } from '../paths.ts';
import { mayAct } from '../staff-session.ts';
import { shanghaiTime, ticketTable } from './ticket-table.ts';

const STATUSES = ['open', 'in_progress', 'waiting_customer', 'resolved', 'closed'] as const;

/** 工单队列, most urgent first (the API orders it): filter by status and SLA. */
export function ticketsPage(v: ConsoleView, s: { tickets: readonly any[]; status?: string; breached?: boolean; error?: string }): Html {
  const c = v.c;
  return consolePage(v, { title: c.queueTitle, section: 'tickets' }, html`<h1>${c.queueTitle}</h1>
${s.error ? alert('danger', s.error) : ''}
<form method="get" action="${consolePaths.tickets}" class="card">
<label for="st">${c.status}</label><select id="st" name="status"><option value="">${c.all}</option>${STATUSES.map((x) => html`<option value="${x}"${s.status === x ? html` selected` : ''}>${c.ticketStatuses[x]}</option>`)}</select>
<label><input type="checkbox" name="breached" value="true"${s.breached ? html` checked` : ''}> ${c.breachedOnly}</label>
<button class="btn small" type="submit">${c.filter}</button></form>
<section class="card">${ticketTable(v, s.tickets)}</section>`);
}

/** One ticket: the customer's words, its SLA, its full history, and the moves the status flow allows. */
export function ticketPage(v: ConsoleView, s: { ticket: any; notice?: string; error?: string; formKey: string }): Html {
  const c = v.c;
  const t = s.ticket;
  const act = v.staff ? mayAct(v.staff) : false;
  const moves: Record<string, readonly string[]> = {
    open: ['start', 'wait_customer', 'resolve'], in_progress: ['wait_customer', 'resolve'], waiting_customer: ['customer_replied', 'resolve'],
    resolved: ['close', 'reopen'], closed: ['reopen'],
  };
  return consolePage(v, { title: t.subject, section: 'tickets' }, html`<h1>${t.subject}</h1>
${s.error ? alert('danger', s.error) : ''}${s.notice ? alert('ok', s.notice) : ''}
<section class="card">
<p><span class="badge ${t.status}">${c.ticketStatuses[t.status] ?? t.status}</span> ${v.locale === 'en' ? t.category : t.categoryLabel}
 · ${c.slaDue} ${shanghaiTime(t.sla.resolutionDueAt)} ${t.sla.breached ? html`<span class="badge overdue">${c.breached}</span>` : ''}</p>
<p>${t.description}</p>
<p class="small"><a href="${consolePaths.customer(t.customerId)}">${c.customer}</a>${t.planIds.length ? html` · ${c.plan} ${t.planIds.map((p: string) => p.slice(0, 8)).join(', ')}` : ''}</p>
</section>
<section class="card"><h2>${c.history}</h2>
${table(c, c.history, [c.createdAt, c.agent, c.kind, c.note], (t.history as any[]).map((e) => [shanghaiTime(e.at), e.by, e.toStatus ? `${e.kind}: ${e.fromStatus ?? ''} → ${e.toStatus}` : e.kind, e.body ?? '']))}
</section>
${act ? html`<section class="card"><h2>${c.actions}</h2>
<form method="post" action="${consolePaths.ticketAction(t.id, 'assign')}"><button class="btn small secondary" type="submit">${c.assignMe}</button></form>
<form method="post" action="${consolePaths.ticketAction(t.id, 'move')}">${hiddenKey(s.formKey)}
<label for="mv">${c.status}</label><select id="mv" name="action">${(moves[t.status] ?? []).map((a) => html`<option value="${a}">${c.ticketActions[a] ?? a}</option>`)}</select>
<label for="mn">${c.note}</label><input id="mn" name="note" maxlength="2000">
<button class="btn small" type="submit">${c.send}</button></form>
<form method="post" action="${consolePaths.ticketAction(t.id, 'comment')}">
<label for="cm">${c.comment}</label><textarea id="cm" name="body" minlength="1" maxlength="2000" required></textarea>
<button class="btn small" type="submit">${c.send}</button></form>
</section>` : ''}`);
}
