import { html, type Html } from '../../html.ts';
import { serviceMessages } from '../../i18n/service-messages.ts';
import type { CustomerPlan, WhereToPay } from '../../api-client.ts';
import { alert, page, type View } from '../layout.ts';
import { itemName } from '../parts.ts';
import { paths } from '../paths.ts';

/** The entrance's own link; Fenqi's portal entrance is this site, so it goes straight to the plan here. */
export function payHref(w: WhereToPay): string | null {
  if (!w.payAt) return null;
  if (w.payAt.kind === 'fenqi_portal') return paths.plan(w.planId);
  return /^https?:\/\//.test(w.payAt.url) ? w.payAt.url : null;
}

/**
 * 去哪里还款: for each open plan, the entrance that works now. When the usual one is closed
 * (a store app retired, a partner's app down) it says so, says nothing else changed, and
 * gives one button to the working one.
 */
export function whereToPayPage(v: View, items: readonly WhereToPay[], plans: readonly CustomerPlan[]): Html {
  const sm = serviceMessages(v.locale);
  const byId = new Map(plans.map((p) => [p.id, p]));
  const rows = items.map((w) => {
    const plan = byId.get(w.planId);
    const href = payHref(w);
    const label = w.payAt?.kind === 'fenqi_portal' ? sm.wherePortal : sm.wherePayHere(w.payAt?.name ?? '');
    return html`<section class="card" data-testid="where" aria-label="${plan ? itemName(v.m, plan) : sm.planLabel}">
<h2>${plan ? itemName(v.m, plan) : sm.planLabel}</h2>
${w.rerouted && w.usual ? alert('warn', sm.whereMoved(w.usual.name)) : ''}
${w.payAt && href ? html`<a class="btn" href="${href}">${label}</a>${w.rerouted && w.usual ? html`<p class="small muted center">${sm.whereUsual(w.usual.name)}</p>` : ''}` : alert('info', sm.whereNone)}
</section>`;
  });
  return page(v, { title: sm.whereTitle, tab: 'home', nav: true }, html`<h1>${sm.whereTitle}</h1>
<p class="small muted">${sm.whereLead}</p>
${items.length ? rows : html`<section class="card"><p>${sm.whereNoPlans}</p></section>`}`);
}
