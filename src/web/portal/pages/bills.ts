import { html, type Html } from '../../html.ts';
import { paths } from '../paths.ts';
import { date, money, positive } from '../../i18n/format.ts';
import type { Bill, BillList, CustomerPlan } from '../../api-client.ts';
import { page, type View } from '../layout.ts';
import { badge, namesOf } from '../parts.ts';

/**
 * Every bill, to pay first (earliest due first) then paid (latest first). A bill lists the
 * installments it is made of — which purchase, which installment of how many — so the
 * customer can see why the total is what it is.
 */
export function billsPage(v: View, list: BillList, plans: readonly Pick<CustomerPlan, 'id' | 'description' | 'merchantName'>[]): Html {
  const m = v.m;
  const unpaid = list.bills.filter((b) => b.status !== 'paid');
  const paid = list.bills.filter((b) => b.status === 'paid').reverse();
  const name = namesOf(m, plans);
  // What needs paying now in full (anything overdue, then the next bill); later bills fold
  // into one line each that opens to show their installments.
  const next = unpaid.find((b) => b.status !== 'overdue');
  const now = unpaid.filter((b) => b.status === 'overdue' || b === next);
  const later = unpaid.filter((b) => !now.includes(b));
  return page(v, { title: m.billsTitle, tab: 'bills', nav: true }, html`<h1>${m.billsTitle}</h1>
<section aria-labelledby="unpaid-h"><h2 id="unpaid-h">${m.unpaidBills}</h2>
${now.map((b) => billCard(v, b, name))}
${later.length ? html`<div class="card">${later.map((b) => billLine(v, b, name))}</div>` : ''}
${unpaid.length ? '' : html`<p class="card muted">${m.noUnpaidBills}</p>`}
</section>
<section aria-labelledby="paid-h"><h2 id="paid-h">${m.paidBills}</h2>
${paid.length ? html`<div class="card">${paid.map((b) => billLine(v, b, name))}</div>` : html`<p class="card muted">${m.noPaidBills}</p>`}
</section>`);
}

type Names = (planId: string, description?: string | null) => string;

function items(v: View, b: Bill, name: Names): Html {
  const m = v.m;
  return html`<ul class="plain small">
${b.items.map((i) => html`<li class="row"><span><a href="${paths.plan(i.planId)}">${name(i.planId, i.description)}</a> <span class="muted">${m.installmentOf(i.installmentNumber, i.terms)}</span></span><span class="num">${money(i.total)}${i.status === 'paid' ? html` ${badge('paid', m.installmentStatus.paid)}` : ''}</span></li>`)}
</ul>`;
}

function billCard(v: View, b: Bill, name: Names): Html {
  const m = v.m;
  const overdue = b.status === 'overdue';
  return html`<article class="card" data-due="${b.dueDate}" aria-label="${m.billFor(date(v.locale, b.dueDate))}">
<div class="row"><h3 class="title">${m.billFor(date(v.locale, b.dueDate))}</h3>${badge(b.status, m.billStatus[b.status])}</div>
${positive(b.paid) ? html`<div class="row"><span class="muted">${m.total}</span><span class="num">${money(b.total)}</span></div><div class="row"><span class="muted">${m.paid}</span><span class="num">${money(b.paid)}</span></div>` : ''}
<div class="row"><strong>${m.outstanding}</strong><strong class="num${overdue ? ' danger' : ''}">${money(b.outstanding)}</strong></div>
${overdue ? html`<p class="danger small">${m.overdueDays(b.daysPastDue)}${positive(b.lateChargesSoFar) ? html` · ${m.lateChargesSoFar(money(b.lateChargesSoFar))}` : ''}</p>` : ''}
${items(v, b, name)}
<a class="btn${overdue ? ' danger' : ''}" href="${paths.payBill(b.dueDate)}">${m.repayThisBill}</a>
</article>`;
}

/** One line per bill (date, amount, status) that opens to its installments. */
function billLine(v: View, b: Bill, name: Names): Html {
  const m = v.m;
  return html`<details class="bill-line" data-due="${b.dueDate}">
<summary><span class="row"><span>${date(v.locale, b.dueDate)}</span><span><span class="num">${money(b.status === 'paid' ? b.total : b.outstanding)}</span> ${badge(b.status, m.billStatus[b.status])}</span></span></summary>
${items(v, b, name)}
</details>`;
}
