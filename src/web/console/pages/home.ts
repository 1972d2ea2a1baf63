import { html, type Html } from '../../html.ts';
import { alert } from '../../portal/layout.ts';
import { consolePage, type ConsoleView } from '../layout.ts';
import { consolePaths } from '../paths.ts';
import { ticketTable } from './ticket-table.ts';

export interface HomeState { query?: string; error?: string; myTickets: readonly any[]; breached: readonly any[] }

/** 查找客户: the agent's first screen — one box for a phone or a plan id, and what is waiting for them. */
export function consoleHomePage(v: ConsoleView, s: HomeState): Html {
  const c = v.c;
  return consolePage(v, { title: c.searchTitle, section: 'home' }, html`<h1>${c.searchTitle}</h1>
${s.error ? alert('danger', s.error) : ''}
<section class="card"><form method="post" action="${consolePaths.search}">
<label for="q">${c.phoneOrPlan}</label>
<input id="q" name="q" type="search" inputmode="text" autocomplete="off" required maxlength="40" value="${s.query ?? ''}">
<p class="small muted">${c.searchLead}</p>
<button class="btn small" type="submit">${c.search}</button></form></section>
<section class="card"><h2>${c.breached}</h2>${ticketTable(v, s.breached)}</section>
<section class="card"><h2>${c.assignMe}</h2>${ticketTable(v, s.myTickets)}</section>`);
}
