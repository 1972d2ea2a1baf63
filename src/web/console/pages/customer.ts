import { html, type Html } from '../../html.ts';
import { alert } from '../../portal/layout.ts';
import { consolePage, hiddenKey, table, type ConsoleView } from '../layout.ts';
import { consolePaths } from '../paths.ts';
import { mayAct } from '../staff-session.ts';
import { CATEGORY_RULES, TICKET_CATEGORIES } from '../../../core/service/categories.ts';
import { shanghaiTime, ticketTable } from './ticket-table.ts';

export interface CustomerState { picture: any; notice?: string; error?: string; revealed?: string; formKey: string }


/**
 * A customer's whole account on one screen — what the agent on the phone needs to answer
 * "where do I pay?" and "I paid, why does it say unpaid?" without a second lookup: where to
 * pay now first, then the bill, payments in flight (with a trace button), auto-debit,
 * notices, tickets, and the actions the agent's role allows.
 */
export function customerPage(v: ConsoleView, s: CustomerState): Html {
  const c = v.c;
  const p = s.picture;
  const cust = p.customer;
  const id = cust.customerId as string;
  const act = v.staff ? mayAct(v.staff) : false;
  const bill = p.currentBill;
  return consolePage(v, { title: `${c.customer} ${cust.phoneMasked}`, section: 'home' }, html`<h1>${c.customer} <span class="num">${s.revealed ?? cust.phoneMasked}</span></h1>
${s.error ? alert('danger', s.error) : ''}${s.notice ? alert('ok', s.notice) : ''}${s.revealed ? alert('info', c.revealed(s.revealed)) : ''}
${act ? '' : alert('info', c.readOnly)}
<section class="card"><h2>${c.whereToPay}</h2>
${table(c, c.whereToPay, [c.plan, c.payAt, c.usual, c.rerouted], (p.whereToPay as any[]).map((w) => [
    html`<span class="num">${w.planId.slice(0, 8)}</span>`,
    w.payAt ? html`<a href="${w.payAt.url}">${w.payAt.name}</a>` : '—',
    w.usual ? `${w.usual.name}${w.usual.status ? ` (${w.usual.status})` : ''}` : '—',
    w.rerouted ? html`<span class="badge overdue">${c.yes}</span> ${w.reason}` : c.no,
  ]))}
</section>
<section class="card"><h2>${c.currentBill}</h2>
${bill.bill ? html`<p>${c.dueDate} <strong>${bill.bill.dueDate}</strong> · ${c.amountDue} <strong class="num">¥${bill.totalToPay}</strong> <span class="badge ${bill.bill.status}">${bill.bill.status}</span></p>` : html`<p class="muted">${c.noBill}</p>`}
${bill.pastDue.daysPastDue > 0 ? html`<p class="alert danger" role="status">${c.pastDue}: ¥${bill.pastDue.outstanding} · ${c.dpd} ${bill.pastDue.daysPastDue}</p>` : ''}
<p class="small">${c.creditLine} ¥${cust.creditLine.total} · ${c.used} ¥${cust.creditLine.used} · ${c.available} ¥${cust.creditLine.available} · ${c.creditBalance} ¥${cust.creditLine.creditBalance}</p>
${table(c, c.plan, [c.plan, c.status, c.amount, c.overdue], (cust.plans as any[]).map((pl) => [html`<span class="num">${pl.planId}</span>`, pl.status, `¥${pl.outstanding} / ¥${pl.financed}`, String(pl.overdueInstallments)]))}
</section>
<section class="card"><h2>${c.inFlight}</h2>
${table(c, c.inFlight, [c.amount, c.gateway, c.status, c.createdAt, ''], (p.paymentsInFlight as any[]).map((pay) => [
    `¥${pay.amount}`, pay.gateway, pay.status, shanghaiTime(pay.createdAt),
    act ? html`<form method="post" action="${consolePaths.trace(id, pay.id)}"><button class="btn small" type="submit">${c.trace}</button></form>` : '',
  ]))}
${table(c, c.recentPayments, [c.amount, c.gateway, c.status, c.createdAt], (p.recentPayments as any[]).map((pay) => [`¥${pay.amount}`, pay.gateway, pay.status, shanghaiTime(pay.createdAt)]))}
</section>
<section class="card"><h2>${c.autoDebit}</h2>
${table(c, c.agreements, [c.plan, c.gateway, c.status, c.createdAt], (p.autoDebit.agreements as any[]).map((a) => [a.planId ? a.planId.slice(0, 8) : c.all, a.gateway, a.status, shanghaiTime(a.createdAt)]))}
${table(c, c.attempts, [c.dueDate, c.amount, c.result, c.reason, c.createdAt], (p.autoDebit.attempts as any[]).map((a) => [a.dueDate, `¥${a.amount}`, a.result, a.reason ?? '', shanghaiTime(a.at)]))}
</section>
<section class="card"><h2>${c.notices}</h2>
${table(c, c.notices, [c.kind, c.status, c.channel, c.sentAt], (p.notices as any[]).map((n) => [n.kind, n.status, n.sentChannel ?? '', shanghaiTime(n.sentAt)]))}
</section>
<section class="card"><h2>${c.tickets}</h2>${ticketTable(v, p.tickets)}
${p.pendingApprovals.length ? html`<p class="small">${c.approvals}: ${p.pendingApprovals.length} · <a href="${consolePaths.approvals}">${c.navApprovals}</a></p>` : ''}
</section>
${act ? actions(v, id, s.formKey, cust) : ''}
${revealForm(v, id)}`);
}

function actions(v: ConsoleView, id: string, key: string, cust: any): Html {
  const c = v.c;
  const planOptions = (cust.plans as any[]).filter((pl) => pl.status === 'active').map((pl) => html`<option value="${pl.planId}">${pl.planId.slice(0, 8)} · ¥${pl.outstanding}</option>`);
  return html`<section class="card"><h2>${c.actions}</h2>
<form method="post" action="${consolePaths.customerAction(id, 'repayment-link')}"><button class="btn small" type="submit">${c.sendLink}</button></form>
<form method="post" action="${consolePaths.customerAction(id, 'cancellation-check')}"><button class="btn small secondary" type="submit">${c.cancellation}</button></form>
<h3>${c.waive}</h3>
<form method="post" action="${consolePaths.customerAction(id, 'waive')}">${hiddenKey(key)}
<label for="w-plan">${c.plan}</label><select id="w-plan" name="planId" required>${planOptions}</select>
<label for="w-n">${c.installment}</label><input id="w-n" name="installmentNumber" type="number" min="1" max="360" required>
<label for="w-c">${c.component}</label><select id="w-c" name="component"><option value="penalty">${c.penalty}</option><option value="fee">${c.fee}</option><option value="interest">${c.interest}</option></select>
<label for="w-a">${c.amount}</label><input id="w-a" name="amount" inputmode="decimal" pattern="\\d+(\\.\\d{1,2})?" required>
<label for="w-r">${c.why}</label><input id="w-r" name="reason" minlength="3" maxlength="500" required>
<button class="btn small" type="submit">${c.waive}</button></form>
<h3>${c.refund}</h3>
<form method="post" action="${consolePaths.customerAction(id, 'refund')}">${hiddenKey(key)}
<label for="r-a">${c.amount}</label><input id="r-a" name="amount" inputmode="decimal" pattern="\\d+(\\.\\d{1,2})?" required>
<label for="r-c">${c.refundChannel}</label><select id="r-c" name="channel"><option value="manual">${c.manual}</option><option value="sandbox">${c.sandbox}</option></select>
<label for="r-r">${c.why}</label><input id="r-r" name="reason" minlength="3" maxlength="500" required>
<button class="btn small" type="submit">${c.refund}</button></form>
<h3>${c.openTicket}</h3>
<form method="post" action="${consolePaths.customerAction(id, 'ticket')}">${hiddenKey(key)}
<label for="t-c">${c.category}</label><select id="t-c" name="category">${TICKET_CATEGORIES.map((k) => html`<option value="${k}">${v.locale === 'en' ? CATEGORY_RULES[k].labelEn : CATEGORY_RULES[k].labelZh}</option>`)}</select>
<label for="t-d">${c.description}</label><textarea id="t-d" name="description" minlength="2" maxlength="2000" required></textarea>
<button class="btn small" type="submit">${c.open}</button></form>
</section>`;
}

function revealForm(v: ConsoleView, id: string): Html {
  const c = v.c;
  if (!v.staff || !['admin', 'supervisor'].includes(v.staff.role)) return html``;
  return html`<section class="card"><h2>${c.reveal}</h2><form method="post" action="${consolePaths.customerAction(id, 'reveal')}">
<label for="rv">${c.revealReason}</label><input id="rv" name="reason" minlength="3" maxlength="500" required>
<button class="btn small secondary" type="submit">${c.reveal}</button></form></section>`;
}
