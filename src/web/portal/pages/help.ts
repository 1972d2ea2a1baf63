import { html, type Html } from '../../html.ts';
import { serviceMessages } from '../../i18n/service-messages.ts';
import { page, type View } from '../layout.ts';
import { paths } from '../paths.ts';

/** Where each answer leads next: one tap from the question to the page that solves it. */
const NEXT: Record<string, keyof typeof paths> = {
  'where-to-pay': 'whereToPay', 'autodebit-failed': 'autoDebit', 'debited-not-recorded': 'bills', 'early-payoff': 'plans', returns: 'bills', cancellation: 'account',
};

/**
 * 帮助中心: the questions customer service hears most, answered on one page as <details>
 * (open and close without script; each has an anchor so an agent can send a link to it).
 */
export function helpPage(v: View, loggedIn: boolean): Html {
  const sm = serviceMessages(v.locale);
  const items = sm.faq.map((f) => {
    const next = paths[NEXT[f.id]!];
    return html`<details class="faq" id="${f.id}"><summary>${f.q}</summary><p>${f.a}</p>${typeof next === 'string' ? html`<p><a href="${next}">${pageName(v, f.id)} ›</a></p>` : ''}</details>`;
  });
  return page(v, { title: sm.helpTitle, tab: 'account', nav: loggedIn }, html`<h1>${sm.helpTitle}</h1>
<p class="small muted">${sm.helpLead}</p>
<section class="card">${items}</section>
<p><a class="btn" href="${paths.ticketNew}">${v.m.tickets.contactUs}</a> <a href="${paths.tickets}">${v.m.tickets.myTickets} ›</a></p>`);
}

function pageName(v: View, id: string): string {
  const sm = serviceMessages(v.locale);
  switch (NEXT[id]) {
    case 'whereToPay': return sm.whereTitle;
    case 'autoDebit': return sm.autoDebitTitle;
    case 'plans': return v.m.navPlans;
    case 'account': return v.m.accountTitle;
    default: return v.m.billsTitle;
  }
}
