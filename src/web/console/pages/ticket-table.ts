import { html, type Html } from '../../html.ts';
import { table, type ConsoleView } from '../layout.ts';
import { consolePaths } from '../paths.ts';
import { CATEGORY_RULES, type TicketCategory } from '../../../core/service/categories.ts';

/** Tickets as a queue row: what, whose, how urgent. Times are shown in Asia/Shanghai, the agents' clock. */
export function ticketTable(v: ConsoleView, tickets: readonly any[]): Html {
  const c = v.c;
  return table(c, c.tickets, [c.subject, c.category, c.status, c.slaDue, ''], tickets.map((t) => [
    html`<a href="${consolePaths.ticket(t.id)}">${t.subject}</a>`,
    v.locale === 'en' ? CATEGORY_RULES[t.category as TicketCategory]?.labelEn ?? t.category : t.categoryLabel,
    html`<span class="badge ${t.status}">${c.ticketStatuses[t.status] ?? t.status}</span>`,
    shanghaiTime(t.sla.resolutionDueAt),
    t.sla.breached ? html`<span class="badge overdue">${c.breached}</span>` : html`<span class="badge paid">${c.onTime}</span>`,
  ]));
}

const SHANGHAI = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
export const shanghaiTime = (iso: string | null | undefined): string => (iso ? SHANGHAI.format(new Date(iso)) : '—');
