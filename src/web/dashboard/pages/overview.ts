import type { Dashboard } from '../../../app/dashboard/load-dashboard.ts';
import { BUCKETS } from '../../../app/dashboard/delinquency.ts';
import { html, type Html } from '../../html.ts';
import { date } from '../../i18n/format.ts';
import { lineChart, meters, stackedBars, type Axis, type ChartText } from '../charts.ts';
import { count, pct, pctAxis, shortDate, shortYuan, yuan } from '../format.ts';
import { dashboardPage, type DashboardView } from '../layout.ts';
import { entranceTable, incidentTable } from './tables.ts';

/** Percent of a whole, as a number for a chart (null when there is nothing to divide). */
const share = (part: number, whole: number): number | null => (whole > 0 ? (100 * part) / whole : null);

/**
 * The portfolio's health on one page: money (outstanding, collections), risk (delinquency,
 * vintages), operations (auto-debit, notices, the daily close) and the outside world
 * (entrances, incidents, partners).
 */
export function overviewPage(v: DashboardView, data: Dashboard): Html {
  const d = v.d;
  const text = (id: string, title: string, desc: string, xLabel: string): ChartText => ({ id, title, desc, xLabel, tableLabel: d.tableFallback });
  const money: Axis['format'] = (fen) => shortYuan(v.locale, fen);
  const exact = (fen: number | null) => (fen === null ? '—' : yuan(fen));
  const card = (body: Html) => html`<section class="card">${body}</section>`;
  const empty = (title: string) => card(html`<h2>${title}</h2><p class="muted">${d.noData}</p>`);

  const out = data.outstanding;
  const outstanding = out.length === 0 ? empty(d.outstandingTitle) : card(lineChart(
    text('outstanding', d.outstandingTitle, d.outstandingDesc(date(v.locale, out[0]!.date), date(v.locale, out.at(-1)!.date), yuan(out.at(-1)!.fen)), d.date),
    { labels: out.map((p) => shortDate(p.date)), format: money }, [{ name: d.outstandingTitle, values: out.map((p) => p.fen) }], { cell: exact },
  ));

  const col = data.collections;
  const collectedTotal = col.reduce((s, c) => s + c.principal + c.interest + c.fee + c.penalty, 0);
  const collections = col.length === 0 ? empty(d.collectionsTitle) : card(stackedBars(
    text('collections', d.collectionsTitle, d.collectionsDesc(yuan(collectedTotal)), d.date), { labels: col.map((c) => shortDate(c.date)), format: money },
    [{ name: d.principal, values: col.map((c) => c.principal) }, { name: d.interest, values: col.map((c) => c.interest) },
      { name: d.fee, values: col.map((c) => c.fee) }, { name: d.penalty, values: col.map((c) => c.penalty) }], { cell: exact },
  ));

  const del = data.delinquency;
  const delinquency = card(lineChart(
    text('delinquency', d.delinquencyTitle, d.delinquencyDesc, d.month), { labels: del.map((m) => m.month), format: pctAxis },
    BUCKETS.map((b) => ({ name: `${b} ${v.locale === 'en' ? 'days' : '天'}`, values: del.map((m) => share(m.late[b], m.plans)) })),
    { cell: (x) => (x === null ? '—' : `${x.toFixed(2)}%`) },
  ));

  const vin = data.vintages;
  const mobs = Math.max(0, ...vin.map((c) => c.points.length));
  const vintages = vin.length === 0 ? empty(d.vintageTitle) : card(lineChart(
    text('vintages', d.vintageTitle, d.vintageDesc, d.mob), { labels: Array.from({ length: mobs }, (_, i) => `M${i + 1}`), format: pctAxis },
    vin.map((c) => ({ name: `${c.cohort} (${c.plans})`, values: Array.from({ length: mobs }, (_, i) => { const p = c.points[i]; return p ? share(p.overdue, p.plans) : null; }) })),
    { cell: (x) => (x === null ? '—' : `${x.toFixed(2)}%`) },
  ));

  const ad = data.autoDebit;
  const adOk = ad.reduce((s, x) => s + x.succeeded, 0);
  const adBad = ad.reduce((s, x) => s + x.failed, 0);
  const autoDebit = ad.length === 0 ? empty(d.autoDebitTitle) : card(stackedBars(
    text('autodebit', d.autoDebitTitle, d.autoDebitDesc(pct(adOk, adOk + adBad)), d.date), { labels: ad.map((x) => shortDate(x.date)), format: count },
    [{ name: d.succeeded, values: ad.map((x) => x.succeeded) }, { name: d.failed, values: ad.map((x) => x.failed) }], { colors: ['#1b6e3a', '#b3261e'], counts: true },
  ));

  const nt = data.notices;
  const notices = nt.length === 0 ? empty(d.noticesTitle) : card(stackedBars(
    text('notices', d.noticesTitle, d.noticesDesc(nt.reduce((s, x) => s + x.sent, 0), nt.reduce((s, x) => s + x.failed, 0)), d.date),
    { labels: nt.map((x) => shortDate(x.date)), format: count },
    [{ name: d.sent, values: nt.map((x) => x.sent) }, { name: d.failed, values: nt.map((x) => x.failed) }], { colors: ['#0b57d0', '#b3261e'], counts: true },
  ));

  const cr = data.closeRuns;
  const closeRuns = cr.length === 0 ? empty(d.closeTitle) : card(html`${stackedBars(
    text('close', d.closeTitle, d.closeDesc, d.date), { labels: cr.map((r) => shortDate(r.date)), format: (s) => `${Number(s.toFixed(1))}s` },
    [{ name: d.seconds, values: cr.map((r) => r.seconds) }], { cell: (s) => (s === null ? '—' : s.toFixed(1)) },
  )}<div class="table-wrap"><table><thead><tr><th scope="col">${d.date}</th><th scope="col">${d.status}</th><th scope="col">${d.plans}</th><th scope="col">${d.errors}</th></tr></thead>
<tbody>${cr.slice(-5).reverse().map((r) => html`<tr><td>${r.date}</td><td>${d.closeStatus[r.status] ?? r.status}</td><td class="num">${r.plans}</td><td class="num${r.errors > 0 ? ' danger' : ''}">${r.errors}</td></tr>`)}</tbody></table></div>`);

  const partners = data.partners.length === 0 ? empty(d.partnersTitle) : card(meters(
    text('partners', d.partnersTitle, d.partnersDesc, d.partner),
    data.partners.map((p) => ({ label: `${p.name} (${p.code})`, value: p.usedFen, max: p.quotaFen, text: `${pct(p.usedFen, p.quotaFen)} · ${shortYuan(v.locale, p.usedFen)} / ${shortYuan(v.locale, p.quotaFen)}` })),
  ));
  const st = data.settlements;
  const settlements = card(html`<h2>${d.settlementsTitle}</h2>${st.length === 0 ? html`<p class="muted">${d.noData}</p>` : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">${d.date}</th><th scope="col">${d.partner}</th><th scope="col">${d.plans}</th><th scope="col">${d.collected}</th><th scope="col">${d.netDue}</th></tr></thead>
<tbody>${st.slice(-15).reverse().map((s) => html`<tr><td>${s.date}</td><td>${s.partnerCode}</td><td class="num">${s.plans}</td><td class="num">${yuan(s.collectedFen)}</td><td class="num">${yuan(s.netDueFen)}</td></tr>`)}</tbody></table></div>`}`);

  const lastDel = del.at(-1);
  const lateNow = lastDel ? BUCKETS.reduce((s, b) => s + lastDel.late[b], 0) : 0;
  const kpis = html`<div class="kpis">
<div class="kpi" data-testid="kpi-outstanding">${d.outstandingTitle}<b>${out.length ? yuan(out.at(-1)!.fen) : '—'}</b></div>
<div class="kpi" data-testid="kpi-overdue">${d.kpiOverdue}<b>${lastDel ? pct(lateNow, lastDel.plans) : '—'}</b></div>
<div class="kpi">${d.autoDebitTitle}<b>${pct(adOk, adOk + adBad)}</b></div>
<div class="kpi">${d.kpiEntrancesDown}<b>${data.entrances.filter((e) => e.status !== 'open').length} / ${data.entrances.length}</b></div>
</div>`;

  return dashboardPage(v, { title: d.navOverview, section: 'overview' }, html`<h1>${d.title}</h1>
<p class="muted small">${d.asOf(date(v.locale, data.window.today))}</p>
${kpis}
<div class="grid">
${outstanding}${collections}${delinquency}${vintages}${autoDebit}${notices}${closeRuns}${partners}
${card(html`<h2>${d.entrancesTitle}</h2>${entranceTable(v, data.entrances, null)}`)}
${card(html`<h2>${d.incidentsTitle}</h2>${incidentTable(v, data.incidents, null)}`)}
${settlements}
</div>`);
}
