import { html, type Html } from '../../html.ts';
import { alert } from '../../portal/layout.ts';
import { checkboxes, errorSummary, field, fieldsetOf, hiddenKey, select, type FormState } from '../forms.ts';
import { dashboardPage, type DashboardView } from '../layout.ts';
import { dashboardPaths } from '../paths.ts';
import { may } from '../staff-auth.ts';
import { apiYuan } from '../format.ts';

/** Rows of the co-lending table in the form; more lenders than this are rare enough for the API. */
export const LENDER_ROWS = 3;
export const PARTNER_FIELDS = ['code', 'name', 'priority', 'quota', 'status', 'settlementAccount', 'productIds', 'merchantIds', 'lenders',
  ...Array.from({ length: LENDER_ROWS }, (_, i) => [`lenders.${i}.partnerId`, `lenders.${i}.percent`]).flat()];

/** 资金方: quota used and left, priority, shares, products; the way to add one. */
export function partnersPage(v: DashboardView, s: { partners: readonly any[]; products: readonly any[]; notice?: string }): Html {
  const d = v.d;
  const act = may(v.staff!, 'partners');
  const productName = new Map(s.products.map((p) => [p.productId, p.code]));
  const partnerCode = new Map(s.partners.map((p) => [p.partnerId, p.code]));
  return dashboardPage(v, { title: d.partnersManage, section: 'partners' }, html`<h1>${d.partnersManage}</h1>
${s.notice ? alert('ok', s.notice) : ''}${act ? '' : alert('info', d.readOnlyManage)}
${act ? html`<p><a class="btn small" href="${dashboardPaths.newPartner}">${d.newPartner}</a></p>` : ''}
<section class="card"><div class="table-wrap"><table data-testid="partners"><caption>${d.partnersManage}</caption>
<thead><tr><th scope="col">${d.name}</th><th scope="col">${d.status}</th><th scope="col">${d.priority}</th><th scope="col">${d.quota}</th><th scope="col">${d.used}</th><th scope="col">${d.quotaLeft}</th><th scope="col">${d.lenders}</th><th scope="col">${d.fundsProducts}</th></tr></thead>
<tbody>${s.partners.map((p) => html`<tr><td><a href="${dashboardPaths.partner(p.partnerId)}">${p.name}</a><br><span class="small muted">${p.code}</span></td>
<td>${d.partnerStatus[p.status] ?? p.status}</td><td class="num">${p.priority}</td><td class="num">${apiYuan(p.quota)}</td><td class="num">${apiYuan(p.quotaUsed)}</td><td class="num">${apiYuan(p.quotaLeft)}</td>
<td class="small">${(p.lenders as any[]).map((l) => `${partnerCode.get(l.partnerId) ?? l.partnerId.slice(0, 8)} ${l.percent}%`).join(' · ')}</td>
<td class="small">${(p.productIds as string[]).map((id) => productName.get(id) ?? id.slice(0, 8)).join(', ') || '—'}</td></tr>`)}</tbody></table></div></section>`);
}

export interface PartnerFormPage { mode: 'new' | 'edit'; partner?: any; partners: readonly any[]; products: readonly any[]; merchants: readonly any[]; state: FormState }

/**
 * The listed choices plus every id the partner already holds that the list does not show (a
 * merchant beyond the first page, a retired product): saving the form must never drop a
 * restriction the operator did not see, because an empty merchant list means "every merchant".
 */
function withHeld(listed: readonly (readonly [string, string])[], held: readonly string[] | undefined): (readonly [string, string])[] {
  const shown = new Set(listed.map(([id]) => id));
  return [...listed, ...(held ?? []).filter((id) => !shown.has(id)).map((id) => [id, id.slice(0, 8)] as const)];
}

/** Add a partner or change one: which products and merchants it funds, its quota, its priority and its co-lenders' shares. */
export function partnerFormPage(v: DashboardView, p: PartnerFormPage): Html {
  const d = v.d;
  const s = p.state;
  const isNew = p.mode === 'new';
  const act = may(v.staff!, 'partners');
  const title = isNew ? d.newPartner : p.partner.name;
  const others = p.partners.filter((x) => x.partnerId !== p.partner?.partnerId).map((x) => [x.partnerId, `${x.name} (${x.code})`] as const);
  const lenderChoices = [['', d.thisPartner] as const, ...others];
  const rows = Array.from({ length: LENDER_ROWS }, (_, i) => html`<div class="form-grid lender-row">
${select(d, s, `lenders.${i}.partnerId`, d.lender(i + 1), lenderChoices)}
${field(d, s, `lenders.${i}.percent`, d.share(i + 1), { pattern: '\\d{1,3}(\\.\\d{1,2})?', inputmode: 'decimal' })}</div>`);
  const quota = p.partner ? html`<p class="small muted">${d.used} ${apiYuan(p.partner.quotaUsed)} · ${d.quotaLeft} ${apiYuan(p.partner.quotaLeft)}</p>` : '';
  return dashboardPage(v, { title, section: 'partners' }, html`<h1>${title}</h1>
${errorSummary(d, s)}${act ? '' : alert('info', d.readOnlyManage)}
${isNew ? '' : html`<p class="muted small">${d.partnerLead}</p>`}${quota}
<form method="post" action="${isNew ? dashboardPaths.partners : dashboardPaths.partner(p.partner.partnerId)}" class="card manage" novalidate>${hiddenKey(s.formKey)}
<fieldset class="group"${act ? '' : html` disabled`}><legend>${isNew ? d.newPartner : d.editPartner}</legend><div class="form-grid">
${isNew ? field(d, s, 'code', d.partnerCode, { required: true, pattern: '[a-z0-9][a-z0-9_-]{1,39}', maxlength: 40 }) : field(d, s, 'code', d.partnerCode, { readonly: true })}
${field(d, s, 'name', d.name, { required: true, maxlength: 100 })}
${field(d, s, 'priority', d.priority, { type: 'number', min: 0, max: 10000, hint: d.priorityHint, required: true, inputmode: 'numeric' })}
${field(d, s, 'quota', d.quotaYuan, { required: true, pattern: '\\d{1,14}(\\.\\d{1,2})?', inputmode: 'decimal' })}
${select(d, s, 'status', d.status, (['active', 'paused', 'retired'] as const).map((x) => [x, d.partnerStatus[x] ?? x] as const))}
${field(d, s, 'settlementAccount', `${d.settlementAccount}${d.optional}`, { maxlength: 100 })}
</div></fieldset>
${checkboxes(d, s, 'product', d.fundsProducts, withHeld(p.products.map((x) => [x.productId, `${x.name} (${x.code})`] as const), p.partner?.productIds), { errorName: 'productIds' })}
${checkboxes(d, s, 'merchant', d.fundsMerchants, withHeld(p.merchants.map((x) => [x.merchantId, x.name] as const), p.partner?.merchantIds), { hint: d.fundsMerchantsHint, errorName: 'merchantIds' })}
${fieldsetOf(d.lenders, html`<p class="hint" id="lenders-hint">${d.lendersHint}</p>${s.error?.field === 'lenders' ? html`<span class="field-error" id="${'f-lenders'}-err">${d.fieldError(s.error.text)}</span>` : ''}${rows}`)}
${act ? html`<p><button class="btn" type="submit">${isNew ? d.createPartner : d.savePartner}</button></p>` : ''}
</form>
<p><a href="${dashboardPaths.partners}">${d.backTo(d.partnersManage)}</a></p>`);
}

/** A partner as the API shows it, as form values. */
export function partnerValues(p: any): Record<string, string> {
  const values: Record<string, string> = {
    code: p.code, name: p.name, priority: String(p.priority), quota: p.quota, status: p.status, settlementAccount: p.settlementAccount ?? '',
  };
  for (const id of p.productIds as string[]) values[`product.${id}`] = 'on';
  for (const id of p.merchantIds as string[]) values[`merchant.${id}`] = 'on';
  (p.lenders as any[]).slice(0, LENDER_ROWS).forEach((l, i) => {
    values[`lenders.${i}.partnerId`] = l.partnerId === p.partnerId ? '' : l.partnerId;
    values[`lenders.${i}.percent`] = l.percent;
  });
  return values;
}
