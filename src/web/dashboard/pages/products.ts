import { ALLOCATION_STRATEGY_CODES } from '../../../core/allocation/registry.ts';
import { PENALTY_BASES, PENALTY_STARTS } from '../../../core/charges/late-charge-rule.ts';
import { ROUNDING_MODES } from '../../../core/money/rounding.ts';
import { EARLY_REPAYMENT_FEE_CODES, REMAINING_FEE_POLICY_CODES } from '../../../core/payoff/payoff-policy.ts';
import { PRICING_METHOD_CODES } from '../../../core/pricing/registry.ts';
import { html, type Html } from '../../html.ts';
import { dateTime } from '../../i18n/format.ts';
import { alert } from '../../portal/layout.ts';
import { checkboxes, errorSummary, field, fieldsetOf, hiddenKey, select, type FormState } from '../forms.ts';
import { dashboardPage, type DashboardView } from '../layout.ts';
import { dashboardPaths } from '../paths.ts';
import { may } from '../staff-auth.ts';
import { apiYuan } from '../format.ts';

const named = (names: Record<string, string>, codes: readonly string[]) => codes.map((c) => [c, names[c] ?? c] as const);
const PCT = '\\d{1,4}(\\.\\d{1,6})?';
const YUAN = '\\d{1,14}(\\.\\d{1,2})?';

/** The rate a product charges, in the words of its pricing method. */
export function rateOf(p: any, v: DashboardView): string {
  const d = v.d;
  if (p.annualRate) return `${d.annualRate} ${p.annualRate}`;
  if (p.monthlyFeeRate) return `${d.monthlyFeeRate} ${p.monthlyFeeRate}`;
  if (p.totalFeeRate) return `${d.totalFeeRate} ${p.totalFeeRate}`;
  if (p.subsidyRate) return `${d.subsidyRate} ${p.subsidyRate}`;
  return '—';
}

/** 产品: every product at its latest version, and the way to define a new one. */
export function productsPage(v: DashboardView, s: { products: readonly any[]; notice?: string; error?: string }): Html {
  const d = v.d;
  const act = may(v.staff!, 'catalogue');
  return dashboardPage(v, { title: d.productsTitle, section: 'products' }, html`<h1>${d.productsTitle}</h1>
${s.error ? alert('danger', s.error) : ''}${s.notice ? alert('ok', s.notice) : ''}${act ? '' : alert('info', d.readOnlyManage)}
${act ? html`<p><a class="btn small" href="${dashboardPaths.newProduct}">${d.newProduct}</a></p>` : ''}
<section class="card"><div class="table-wrap"><table data-testid="products"><caption>${d.productsTitle}</caption>
<thead><tr><th scope="col">${d.productName}</th><th scope="col">${d.method}</th><th scope="col">${d.terms}</th><th scope="col">${d.rateCol}</th><th scope="col">${d.aprCap}</th><th scope="col">${d.graceDays}</th><th scope="col">${d.version}</th><th scope="col">${d.status}</th></tr></thead>
<tbody>${s.products.map((p) => html`<tr><td><a href="${dashboardPaths.product(p.productId)}">${p.name}</a><br><span class="small muted">${p.code}</span></td>
<td>${d.methodName[p.method] ?? p.method}</td><td class="num">${p.terms}</td><td class="small">${rateOf(p, v)}</td><td class="num">${p.aprCap}%</td><td class="num">${p.graceDays}</td>
<td class="num">v${p.version}</td><td><span class="badge ${p.status === 'active' ? 'paid' : 'overdue'}">${p.status === 'active' ? d.active : d.retired}</span></td></tr>`)}</tbody></table></div></section>`);
}

export interface ProductFormPage { mode: 'new' | 'version'; productId?: string; productName?: string; merchants: readonly { merchantId: string; name: string }[]; state: FormState }

/**
 * Define a product, or publish the next version of one: pricing, grace and late charges,
 * the repayment waterfall, the early-payoff policy and the APR cap, in the API's own terms.
 */
export function productFormPage(v: DashboardView, p: ProductFormPage): Html {
  const d = v.d;
  const s = p.state;
  const isNew = p.mode === 'new';
  const title = isNew ? d.newProduct : `${d.publishVersion} · ${p.productName ?? ''}`;
  const action = isNew ? dashboardPaths.products : dashboardPaths.productAction(p.productId!, 'versions');
  const rounding = named(d.roundingName, ROUNDING_MODES);
  return dashboardPage(v, { title, section: 'products' }, html`<h1>${title}</h1>
${errorSummary(d, s)}
${isNew ? '' : html`<p class="muted small">${d.publishLead}</p>`}
<form method="post" action="${action}" class="card manage" novalidate>${hiddenKey(s.formKey)}
${fieldsetOf(d.pricingLegend, html`<div class="form-grid">
${isNew ? field(d, s, 'code', d.productCode, { hint: d.productCodeHint, required: true, pattern: '[a-z0-9][a-z0-9-]{0,39}', maxlength: 40 }) : ''}
${field(d, s, 'name', d.productName, { required: true, maxlength: 100 })}
${select(d, s, 'method', d.method, named(d.methodName, PRICING_METHOD_CODES))}
${field(d, s, 'terms', d.terms, { type: 'number', min: 1, max: 360, required: true, inputmode: 'numeric' })}
${field(d, s, 'annualRate', d.annualRate, { hint: d.rateHint, pattern: PCT, inputmode: 'decimal' })}
${field(d, s, 'monthlyFeeRate', d.monthlyFeeRate, { pattern: PCT, inputmode: 'decimal' })}
${field(d, s, 'totalFeeRate', d.totalFeeRate, { pattern: PCT, inputmode: 'decimal' })}
${field(d, s, 'subsidyRate', d.subsidyRate, { pattern: PCT, inputmode: 'decimal' })}
${select(d, s, 'rounding', d.rounding, rounding)}
${field(d, s, 'aprCap', d.aprCap, { hint: d.aprCapHint, pattern: PCT, inputmode: 'decimal', required: true })}
</div>`)}
${fieldsetOf(d.lateLegend, html`<div class="form-grid">
${field(d, s, 'lateChargeRule.graceDays', d.graceDays, { type: 'number', min: 0, max: 90, required: true, inputmode: 'numeric' })}
${field(d, s, 'lateChargeRule.penaltyDailyRate', `${d.penaltyDailyRate}${d.optional}`, { pattern: PCT, inputmode: 'decimal' })}
${select(d, s, 'lateChargeRule.penaltyBase', d.penaltyBase, named(d.penaltyBaseName, PENALTY_BASES))}
${select(d, s, 'lateChargeRule.penaltyStart', d.penaltyStart, named(d.penaltyStartName, PENALTY_STARTS))}
${field(d, s, 'lateChargeRule.lateFee', `${d.lateFee}${d.optional}`, { pattern: YUAN, inputmode: 'decimal' })}
${field(d, s, 'lateChargeRule.capPerInstallment', `${d.capPerInstallment}${d.optional}`, { pattern: YUAN, inputmode: 'decimal' })}
${select(d, s, 'lateChargeRule.rounding', d.lateRounding, rounding)}
</div>`)}
${fieldsetOf(d.allocationLegend, select(d, s, 'allocationStrategy', d.allocation, named(d.allocationName, ALLOCATION_STRATEGY_CODES)))}
${fieldsetOf(d.payoffLegend, html`<div class="form-grid">
${select(d, s, 'payoffPolicy.remainingFees.code', d.remainingFees, named(d.remainingFeesName, REMAINING_FEE_POLICY_CODES))}
${field(d, s, 'payoffPolicy.remainingFees.periods', `${d.remainingPeriods}${d.optional}`, { type: 'number', min: 1, max: 360, inputmode: 'numeric' })}
${select(d, s, 'payoffPolicy.earlyRepaymentFee.code', d.earlyFee, named(d.earlyFeeName, EARLY_REPAYMENT_FEE_CODES))}
${field(d, s, 'payoffPolicy.earlyRepaymentFee.rate', `${d.earlyFeeRate}${d.optional}`, { pattern: PCT, inputmode: 'decimal' })}
${field(d, s, 'payoffPolicy.earlyRepaymentFee.amount', `${d.earlyFeeAmount}${d.optional}`, { pattern: YUAN, inputmode: 'decimal' })}
</div>`)}
${isNew ? checkboxes(d, s, 'merchant', d.offeredBy, p.merchants.map((m) => [m.merchantId, m.name] as const), { hint: d.offeredByHint }) : ''}
<p><button class="btn" type="submit">${isNew ? d.createProduct : d.publishVersion}</button></p>
</form>
<p><a href="${isNew ? dashboardPaths.products : dashboardPaths.product(p.productId!)}">${d.backTo(isNew ? d.productsTitle : p.productName ?? '')}</a></p>`);
}

export interface ProductDetailPage { product: any; merchants: readonly { merchantId: string; name: string }[]; notice?: string; error?: string }

/** One product: its current terms, every version, which merchants offer it (offer / withdraw), and retiring it. */
export function productPage(v: DashboardView, s: ProductDetailPage): Html {
  const d = v.d;
  const p = s.product;
  const cur = p.versions[0];
  const act = may(v.staff!, 'catalogue');
  const offered = new Set<string>(p.merchantIds);
  const rule = cur.lateChargeRule ?? {};
  const early = cur.payoffPolicy?.earlyRepaymentFee ?? {};
  const fees = cur.payoffPolicy?.remainingFees ?? {};
  const facts: [string, string][] = [
    [d.productCode, p.code], [d.method, d.methodName[cur.method] ?? cur.method], [d.terms, String(cur.terms)], [d.rateCol, rateOf(cur, v)], [d.rounding, d.roundingName[cur.rounding] ?? cur.rounding],
    [d.aprCap, `${cur.aprCap}%`], [d.graceDays, String(cur.graceDays)], [d.penaltyDailyRate, rule.penaltyDailyRate ?? '—'],
    [d.penaltyBase, d.penaltyBaseName[rule.penaltyBase] ?? String(rule.penaltyBase ?? '—')], [d.penaltyStart, d.penaltyStartName[rule.penaltyStart] ?? String(rule.penaltyStart ?? '—')],
    [d.lateFee, apiYuan(rule.lateFee)], [d.capPerInstallment, apiYuan(rule.capPerInstallment)],
    [d.allocation, d.allocationName[cur.allocationStrategy] ?? cur.allocationStrategy],
    [d.remainingFees, `${d.remainingFeesName[fees.code] ?? fees.code ?? '—'}${fees.periods ? ` (${fees.periods})` : ''}`],
    [d.earlyFee, `${d.earlyFeeName[early.code] ?? early.code ?? '—'}${early.rate ? ` ${early.rate}%` : ''}${early.amount ? ` ${apiYuan(early.amount)}` : ''}`],
  ];
  return dashboardPage(v, { title: cur.name, section: 'products' }, html`<h1>${cur.name} <span class="badge ${p.status === 'active' ? 'paid' : 'overdue'}">${p.status === 'active' ? d.active : d.retired}</span></h1>
${s.error ? alert('danger', s.error) : ''}${s.notice ? alert('ok', s.notice) : ''}${act ? '' : alert('info', d.readOnlyManage)}
<section class="card"><h2>${d.version} ${cur.version}</h2><dl class="facts grid-facts">${facts.map(([k, x]) => html`<dt>${k}</dt><dd>${x}</dd>`)}</dl>
${act && p.status === 'active' ? html`<p><a class="btn small" href="${dashboardPaths.productAction(p.productId, 'new-version')}">${d.publishVersion}</a></p>` : ''}</section>
<section class="card"><h2>${d.offeredBy}</h2><div class="table-wrap"><table data-testid="offers"><thead><tr><th scope="col">${d.merchantName}</th><th scope="col">${d.status}</th>${act ? html`<th scope="col"></th>` : ''}</tr></thead>
<tbody>${s.merchants.map((m) => {
    const on = offered.has(m.merchantId);
    const button = on
      ? html`<form method="post" action="${dashboardPaths.offer(p.productId, m.merchantId, 'withdraw')}"><button class="btn small secondary" type="submit">${d.withdraw}<span class="visually-hidden"> ${m.name}</span></button></form>`
      : p.status === 'active' ? html`<form method="post" action="${dashboardPaths.offer(p.productId, m.merchantId, 'offer')}"><button class="btn small" type="submit">${d.offer}<span class="visually-hidden"> ${m.name}</span></button></form>` : '';
    return html`<tr><td><a href="${dashboardPaths.merchant(m.merchantId)}">${m.name}</a></td><td><span class="badge ${on ? 'paid' : ''}">${on ? d.offered : d.notOffered}</span></td>${act ? html`<td>${button}</td>` : ''}</tr>`;
  })}</tbody></table></div></section>
<section class="card"><h2>${d.versions}</h2><div class="table-wrap"><table><thead><tr><th scope="col">${d.version}</th><th scope="col">${d.productName}</th><th scope="col">${d.rateCol}</th><th scope="col">${d.aprCap}</th><th scope="col">${d.created}</th></tr></thead>
<tbody>${(p.versions as any[]).map((x) => html`<tr><td class="num">v${x.version}</td><td>${x.name}</td><td class="small">${rateOf(x, v)}</td><td class="num">${x.aprCap}%</td><td class="small">${dateTime(v.locale, x.createdAt)}</td></tr>`)}</tbody></table></div></section>
${act && p.status === 'active' ? html`<section class="card"><h2>${d.retire}</h2><p class="small muted">${d.retireLead}</p>
<form method="post" action="${dashboardPaths.productAction(p.productId, 'retire')}"><label class="check"><input type="checkbox" name="confirm" value="on" required> ${d.retireConfirm(p.code)}</label>
<button class="btn small danger" type="submit">${d.retire}</button></form></section>` : ''}
<p><a href="${dashboardPaths.products}">${d.backTo(d.productsTitle)}</a></p>`);
}
