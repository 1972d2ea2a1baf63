import { html, type Html } from '../../html.ts';
import { dateTime } from '../../i18n/format.ts';
import { alert } from '../../portal/layout.ts';
import { errorSummary, field, hiddenKey, select, type FormState } from '../forms.ts';
import { dashboardPage, type DashboardView } from '../layout.ts';
import { dashboardPaths } from '../paths.ts';
import { may } from '../staff-auth.ts';

export const MERCHANT_FIELDS = ['name', 'webhookUrl'] as const;
export const KEY_FIELDS = ['keyName'] as const;

/** 商户: the list, and a new merchant's form beside it. */
export function merchantsPage(v: DashboardView, s: { merchants: readonly any[]; state: FormState; notice?: string }): Html {
  const d = v.d;
  const act = may(v.staff!, 'catalogue');
  return dashboardPage(v, { title: d.merchantsTitle, section: 'merchants' }, html`<h1>${d.merchantsTitle}</h1>
${errorSummary(d, s.state)}${s.notice ? alert('ok', s.notice) : ''}${act ? '' : alert('info', d.readOnlyManage)}
<section class="card"><div class="table-wrap"><table data-testid="merchants"><caption>${d.merchantsTitle}</caption>
<thead><tr><th scope="col">${d.merchantName}</th><th scope="col">${d.status}</th><th scope="col">${d.webhookUrl}</th><th scope="col">${d.created}</th></tr></thead>
<tbody>${s.merchants.map((m) => html`<tr><td><a href="${dashboardPaths.merchant(m.merchantId)}">${m.name}</a></td><td>${d.merchantStatus[m.status] ?? m.status}</td><td class="small">${m.webhookUrl ?? '—'}</td><td class="small">${dateTime(v.locale, m.createdAt)}</td></tr>`)}</tbody>
</table></div></section>
${act ? html`<section class="card" aria-labelledby="new-merchant-h"><h2 id="new-merchant-h">${d.newMerchant}</h2>
<form method="post" action="${dashboardPaths.merchants}" class="manage" novalidate>${hiddenKey(s.state.formKey)}<div class="form-grid">
${field(d, s.state, 'name', d.merchantName, { required: true, maxlength: 100 })}
${field(d, s.state, 'webhookUrl', `${d.webhookUrl}${d.optional}`, { hint: d.webhookHint, type: 'url', maxlength: 2048 })}
</div><p><button class="btn small" type="submit">${d.createMerchant}</button></p></form></section>` : ''}`);
}

/**
 * A secret shown once: the webhook secret of a new merchant, or a new API key. The page is
 * the answer to the POST itself (never stored, never redirected to, `no-store`): reloading it
 * cannot show the secret again, and the API keeps only a hash of a key.
 */
export function secretOncePage(v: DashboardView, s: { title: string; label: string; secret: string; merchantId: string; merchantName: string }): Html {
  const d = v.d;
  return dashboardPage(v, { title: s.title, section: 'merchants' }, html`<h1>${s.title}</h1>
<section class="card"><h2>${s.label}</h2>
<p class="alert warn" role="status">${d.secretOnce}</p>
<label for="secret">${s.label}</label>
<input id="secret" class="secret" type="text" readonly value="${s.secret}" autocomplete="off" spellcheck="false" data-testid="secret">
</section>
<p><a class="btn small" href="${dashboardPaths.merchant(s.merchantId)}">${d.backTo(s.merchantName)}</a></p>`);
}

export interface MerchantDetailPage { merchant: any; keys: readonly any[] | null; products: readonly any[]; edit: FormState; keyForm: FormState; notice?: string; error?: string }

/** One merchant: rename / webhook, the products it offers, and its API keys (issue, revoke) for operators. */
export function merchantPage(v: DashboardView, s: MerchantDetailPage): Html {
  const d = v.d;
  const m = s.merchant;
  const act = may(v.staff!, 'catalogue');
  const offered = new Set((m.products as any[]).map((p) => p.productId));
  const offerable = s.products.filter((p) => p.status === 'active' && !offered.has(p.productId));
  return dashboardPage(v, { title: m.name, section: 'merchants' }, html`<h1>${m.name}</h1>
${s.error ? alert('danger', s.error) : ''}${s.notice ? alert('ok', s.notice) : ''}${errorSummary(d, s.edit)}${errorSummary(d, s.keyForm)}${act ? '' : alert('info', d.readOnlyManage)}
<section class="card"><dl class="facts"><dt>${d.status}</dt><dd>${d.merchantStatus[m.status] ?? m.status}</dd><dt>${d.webhookUrl}</dt><dd>${m.webhookUrl ?? '—'}</dd>
<dt>${d.activeKeys}</dt><dd>${m.activeApiKeys}</dd><dt>${d.pendingDeliveries}</dt><dd>${m.pendingDeliveries}</dd><dt>${d.created}</dt><dd>${dateTime(v.locale, m.createdAt)}</dd></dl>
${act ? html`<form method="post" action="${dashboardPaths.merchantAction(m.merchantId, 'edit')}" class="manage" novalidate><div class="form-grid">
${field(d, s.edit, 'name', d.merchantName, { required: true, maxlength: 100 })}
${field(d, s.edit, 'webhookUrl', `${d.webhookUrl}${d.optional}`, { hint: d.webhookHint, type: 'url', maxlength: 2048 })}
</div><p><button class="btn small" type="submit">${d.saveMerchant}</button></p></form>` : ''}</section>
<section class="card"><h2>${d.productsOffered}</h2>
<div class="table-wrap"><table><thead><tr><th scope="col">${d.productName}</th><th scope="col">${d.productCode}</th><th scope="col">${d.status}</th>${act ? html`<th scope="col"></th>` : ''}</tr></thead>
<tbody>${(m.products as any[]).map((p) => html`<tr><td><a href="${dashboardPaths.product(p.productId)}">${p.name}</a></td><td>${p.code}</td><td>${p.status === 'active' ? d.active : d.retired}</td>
${act ? html`<td><form method="post" action="${dashboardPaths.offer(p.productId, m.merchantId, 'withdraw')}"><input type="hidden" name="back" value="merchant"><button class="btn small secondary" type="submit">${d.withdraw}<span class="visually-hidden"> ${p.name}</span></button></form></td>` : ''}</tr>`)}</tbody></table></div>
${act && offerable.length ? html`<form method="post" action="${dashboardPaths.merchantAction(m.merchantId, 'offer')}" class="inline">
${select(d, { values: {}, formKey: '' }, 'productId', d.addProduct, offerable.map((p) => [p.productId, `${p.name} (${p.code})`] as const))}
<button class="btn small" type="submit">${d.addProduct}</button></form>` : ''}
</section>
<section class="card"><h2>${d.apiKeys}</h2>
${s.keys === null ? html`<p class="muted small">${d.keysOperatorsOnly}</p>` : html`<div class="table-wrap"><table data-testid="api-keys"><thead><tr><th scope="col">${d.keyName}</th><th scope="col">${d.keyPrefix}</th><th scope="col">${d.created}</th><th scope="col">${d.status}</th>${may(v.staff!, 'keys') ? html`<th scope="col"></th>` : ''}</tr></thead>
<tbody>${s.keys.map((k) => html`<tr><td>${k.name}</td><td class="num">${k.prefix}…</td><td class="small">${dateTime(v.locale, k.createdAt)}</td><td>${k.revokedAt ? html`<span class="badge overdue">${d.revoked}</span>` : html`<span class="badge paid">${d.active}</span>`}</td>
${may(v.staff!, 'keys') ? html`<td>${k.revokedAt ? '' : html`<form method="post" action="${dashboardPaths.revokeKey(m.merchantId, k.keyId)}"><button class="btn small danger" type="submit">${d.revoke}<span class="visually-hidden"> ${k.name} ${k.prefix}</span></button></form>`}</td>` : ''}</tr>`)}</tbody></table></div>
${may(v.staff!, 'keys') ? html`<form method="post" action="${dashboardPaths.merchantAction(m.merchantId, 'keys')}" class="manage" novalidate>${hiddenKey(s.keyForm.formKey)}<div class="form-grid">
${field(d, s.keyForm, 'keyName', d.keyName, { hint: d.keyNameHint, required: true, maxlength: 100 })}</div>
<p><button class="btn small" type="submit">${d.issueKey}</button></p></form>` : ''}`}
</section>
<p><a href="${dashboardPaths.merchants}">${d.backTo(d.merchantsTitle)}</a></p>`);
}
