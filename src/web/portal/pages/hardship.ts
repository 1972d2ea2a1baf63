import { html, type Html } from '../../html.ts';
import { date, dateTime, money, positive } from '../../i18n/format.ts';
import type { HardshipOffer } from '../../api-client.ts';
import { alert, page, type View } from '../layout.ts';
import { hiddenField } from '../parts.ts';
import { paths } from '../paths.ts';

export interface HardshipState {
  offers: readonly HardshipOffer[];
  /** planId → what was bought, to say which plan an offer restructures. */
  planName: (planId: string) => string;
  /** One idempotency key per rendered accept form: a double tap or a reload restructures once. */
  keyFor: (offerId: string) => string;
  notice?: string;
  error?: string;
}

/**
 * 协商还款: each offer with the exact schedule the customer would be bound to (the API's
 * frozen preview, to the fen), the totals before and after, and accept / decline. Accepting
 * is the customer's decision alone, so it is a form they submit, never a link.
 */
export function hardshipPage(v: View, s: HardshipState): Html {
  const h = v.m.hardship;
  const body = s.offers.length === 0 ? html`<section class="card"><p class="muted">${h.empty}</p></section>` : s.offers.map((o) => offerCard(v, o, s));
  return page(v, { title: h.title, tab: 'plans', nav: true }, html`<h1>${h.title}</h1>
${s.error ? alert('danger', s.error) : ''}${s.notice ? alert('ok', s.notice) : ''}
${s.offers.length ? html`<p class="small muted">${h.lead}</p>` : ''}
${body}`);
}

function offerCard(v: View, o: HardshipOffer, s: HardshipState): Html {
  const h = v.m.hardship;
  const m = v.m;
  const f = o.preview.figures;
  const fact = (label: string, yuan: string | undefined) => (yuan === undefined ? '' : html`<dt>${label}</dt><dd>${money(yuan)}</dd>`);
  const hasInterest = o.preview.schedule.some((r) => positive(r.interest));
  const hasFee = o.preview.schedule.some((r) => positive(r.fee));
  const rows = o.preview.schedule.map((r) => html`<tr><td data-label="${m.colNumber}">${r.number}</td><td data-label="${m.colDue}">${date(v.locale, r.dueDate)}</td><td data-label="${m.colPrincipal}" class="num">${money(r.principal)}</td>${hasInterest ? html`<td data-label="${m.colInterest}" class="num">${money(r.interest)}</td>` : ''}${hasFee ? html`<td data-label="${m.colFee}" class="num">${money(r.fee)}</td>` : ''}<td data-label="${h.colTotal}" class="num"><strong>${money(r.total)}</strong></td></tr>`);
  return html`<section class="card" data-testid="hardship-offer" aria-labelledby="offer-${o.offerId}">
<h2 id="offer-${o.offerId}">${h.forPlan(s.planName(o.planId))}</h2>
<p>${h.terms(o.terms)}${date(v.locale, o.firstDueDate)}</p>
<dl class="facts">
${fact(h.owedBefore, f.owedBefore)}${fact(h.owedAfter, f.owedAfter)}${positive(o.penaltyWaived) ? fact(h.penaltyWaived, o.penaltyWaived) : ''}${positive(o.capitalised) ? fact(h.capitalised, o.capitalised) : ''}
${fact(h.installmentBefore, o.preview.installmentBefore)}${fact(h.installmentAfter, o.preview.installmentAfter)}
</dl>
<table class="schedule">
<caption>${h.scheduleCaption}</caption>
<thead><tr><th scope="col">${m.colNumber}</th><th scope="col">${m.colDue}</th><th scope="col">${m.colPrincipal}</th>${hasInterest ? html`<th scope="col">${m.colInterest}</th>` : ''}${hasFee ? html`<th scope="col">${m.colFee}</th>` : ''}<th scope="col">${h.colTotal}</th></tr></thead>
<tbody>${rows}</tbody>
</table>
<p class="small muted">${h.expiresAt(dateTime(v.locale, o.expiresAt))}</p>
<form method="post" action="${paths.hardshipAccept}">${hiddenField('id', o.offerId)}${hiddenField('key', s.keyFor(o.offerId))}<button class="btn" type="submit">${h.accept}</button></form>
<form method="post" action="${paths.hardshipDecline}">${hiddenField('id', o.offerId)}<button class="btn secondary" type="submit">${h.decline}</button></form>
</section>`;
}
