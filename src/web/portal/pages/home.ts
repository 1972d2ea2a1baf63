import { html, type Html } from '../../html.ts';
import { paths } from '../paths.ts';
import { date, fenOf, money, positive } from '../../i18n/format.ts';
import type { CreditLine, CurrentBill } from '../../api-client.ts';
import { alert, page, type View } from '../layout.ts';
import { linkButton } from '../parts.ts';
import { serviceMessages } from '../../i18n/service-messages.ts';

/** What home shows beside the bill: unread messages, and whether the usual place to pay is closed. */
export interface HomeExtras { unread: number; entranceMoved: boolean; hardshipOffers?: number }

/**
 * The one screen most customers need: how much, by when, and a button to pay it. Anything
 * overdue is said first, in red, with the charges it has run up so far — never hidden
 * behind the newer bill.
 */
export function homePage(v: View, current: CurrentBill, line: CreditLine, extras: HomeExtras = { unread: 0, entranceMoved: false }): Html {
  const sm = serviceMessages(v.locale);
  return page(v, { title: v.m.homeTitle, tab: 'home', nav: true }, html`<h1>${v.m.homeTitle}</h1>
${extras.entranceMoved ? html`<a class="alert warn block" href="${paths.whereToPay}" data-testid="entrance-moved">${sm.whereMovedHome} ›</a>` : ''}
${(extras.hardshipOffers ?? 0) > 0 ? html`<a class="alert warn block" href="${paths.hardship}" data-testid="hardship-offer-home">${v.m.hardship.open} ›</a>` : ''}
${billCard(v, current)}
${creditCard(v, line)}
${servicesCard(v, extras)}`);
}

/** The service pages, each one tap from home. */
function servicesCard(v: View, extras: HomeExtras): Html {
  const sm = serviceMessages(v.locale);
  return html`<nav class="card services" aria-label="${sm.servicesTitle}">
<a href="${paths.autoDebit}">${sm.autoDebitTitle}</a>
<a href="${paths.messages}">${sm.messagesTitle}${extras.unread > 0 ? html` <span class="count" aria-label="${sm.messagesUnread(extras.unread)}">${extras.unread}</span>` : ''}</a>
<a href="${paths.whereToPay}">${sm.whereTitle}</a>
<a href="${paths.help}">${sm.helpTitle}</a>
</nav>`;
}

function billCard(v: View, c: CurrentBill): Html {
  const m = v.m;
  const bill = c.bill;
  const overdue = c.pastDue.daysPastDue > 0 && positive(c.pastDue.outstanding);
  const billOwes = bill !== null && positive(bill.outstanding);
  // A bill whose statement is not made yet is next month's: nothing is asked of the customer
  // now (paying early stays possible), so it is not shown as "to pay" with a countdown.
  if (!overdue && (!billOwes || bill?.status === 'upcoming')) {
    return html`<section class="card" aria-labelledby="bill-h">
<h2 id="bill-h">${m.thisMonthBill}</h2>
<p class="big ok" data-testid="total-to-pay">✓ ${m.nothingToPayNow}</p>
${bill && billOwes ? html`<p>${m.nextBill(date(v.locale, bill.dueDate), money(bill.outstanding))}</p><p class="small muted">${m.statementOn(date(v.locale, bill.statementDate))}</p>
${linkButton(paths.pay, m.payEarly, 'secondary')}` : ''}
<p class="center small"><a href="${paths.bills}">${m.seeAllBills}</a></p>
</section>`;
  }
  const when = (() => {
    if (!bill || !billOwes) return html``;
    if (bill.status === 'in_grace') return html`<p>${m.dueOn(date(v.locale, bill.dueDate))}</p>${alert('warn', m.inGrace(bill.daysPastDue))}`;
    return html`<p>${m.dueOn(date(v.locale, bill.dueDate))} · <strong>${m.daysLeft(bill.daysUntilDue ?? 0)}</strong></p>`;
  })();
  return html`<section class="card" aria-labelledby="bill-h">
<h2 id="bill-h">${m.thisMonthBill}</h2>
${overdue ? html`<p class="alert danger" role="alert">${m.overdueDays(c.pastDue.daysPastDue)}${positive(c.pastDue.lateChargesSoFar) ? html` · ${m.lateChargesSoFar(money(c.pastDue.lateChargesSoFar))}` : ''}</p>` : ''}
<p class="big${overdue ? ' danger' : ''}" data-testid="total-to-pay">${money(c.totalToPay)}</p>
${when}
${overdue && billOwes ? html`<p class="small danger">${m.pastDueIncluded(money(c.pastDue.outstanding))}</p>` : ''}
${linkButton(paths.pay, m.repayNow, overdue ? 'danger' : '')}
<p class="center small"><a href="${paths.bills}">${m.seeAllBills}</a></p>
</section>`;
}

function creditCard(v: View, l: CreditLine): Html {
  const m = v.m;
  const total = fenOf(l.total);
  const usedPct = total > 0 ? Math.min(100, Math.round((fenOf(l.used) / total) * 100)) : 0;
  return html`<section class="card" aria-labelledby="credit-h">
<h2 id="credit-h">${m.creditLine}</h2>
${l.frozen ? alert('warn', m.creditFrozen(l.frozenReason ?? '')) : ''}
<p class="muted small">${m.creditAvailable}</p>
<p class="credit-available">${money(l.available)}</p>
<progress class="meter" max="100" value="${usedPct}" aria-label="${m.creditUsed} ${usedPct}%">${usedPct}%</progress>
<div class="row small"><span><span class="muted">${m.creditUsed}</span> <span class="num">${money(l.used)}</span></span><span><span class="muted">${m.creditTotal}</span> <span class="num">${money(l.total)}</span></span></div>
${positive(l.creditBalance) ? html`<p class="small muted">${m.creditBalance(money(l.creditBalance))}</p>` : ''}
</section>`;
}
