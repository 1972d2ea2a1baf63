import { html, type Html, type Renderable } from '../html.ts';

/**
 * Charts as inline SVG written on the server: no script, nothing to download, and they print.
 * Every chart is an <svg role="img"> named by its <title> and explained by its <desc>, and
 * carries its figures as a table under a <details> — the accessible form, and the exact one
 * (a chart shows shape; the table shows the numbers). Colours are set with presentation
 * attributes because the CSP allows no inline style.
 */
export const PALETTE = ['#0b57d0', '#e8710a', '#1b6e3a', '#b3261e', '#8430ce', '#00838f', '#5f6368', '#c5221f'];

export interface Series { name: string; values: (number | null)[] }
export interface ChartText { id: string; title: string; desc: string; tableLabel: string; xLabel: string }
export interface Axis { labels: string[]; format(value: number): string }

const W = 640;
const H = 240;
const PAD = { left: 64, right: 12, top: 12, bottom: 34 };
const plotW = W - PAD.left - PAD.right;
const plotH = H - PAD.top - PAD.bottom;

/** A "nice" top for the y axis (1, 2, 2.5 or 5 × 10^n) so gridlines land on round values. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const exp = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * exp >= max) return step * exp;
  return 10 * exp;
}

function frame(t: ChartText, axis: Axis, yMax: number, body: Renderable): Html {
  const grid = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const y = PAD.top + plotH * (1 - f);
    return html`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y}" y2="${y}" stroke="#dfe1e5" stroke-width="1"/><text x="${PAD.left - 6}" y="${y + 4}" text-anchor="end" font-size="11" fill="#55595f">${axis.format(yMax * f)}</text>`;
  });
  // At most ~8 x labels, so they never overlap on a narrow screen.
  const every = Math.max(1, Math.ceil(axis.labels.length / 8));
  const xs = axis.labels.map((label, i) => (i % every === 0 || i === axis.labels.length - 1) && (i === axis.labels.length - 1 || axis.labels.length - 1 - i >= every / 2)
    ? html`<text x="${xAt(i, axis.labels.length)}" y="${H - 12}" text-anchor="middle" font-size="11" fill="#55595f">${label}</text>` : '');
  return html`<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${t.id}-t ${t.id}-d" focusable="false">
<title id="${t.id}-t">${t.title}</title><desc id="${t.id}-d">${t.desc}</desc>
${grid}${body}${xs}
</svg>`;
}

function xAt(i: number, n: number): number {
  return PAD.left + (n <= 1 ? plotW / 2 : (plotW * i) / (n - 1));
}
const yAt = (v: number, yMax: number) => PAD.top + plotH * (1 - Math.min(1, Math.max(0, v / yMax)));

function legend(series: readonly Series[], colors: readonly string[]): Html {
  if (series.length < 2) return html``;
  return html`<ul class="legend">${series.map((s, i) => html`<li><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" rx="2" fill="${colors[i % colors.length]}"/></svg>${s.name}</li>`)}</ul>`;
}

/** The figures behind a chart: one row per x label, one column per series. */
function dataTable(t: ChartText, axis: Axis, series: readonly Series[], cell: (v: number | null) => string): Html {
  return html`<details class="data"><summary>${t.tableLabel}</summary><table>
<caption>${t.title}</caption>
<thead><tr><th scope="col">${t.xLabel}</th>${series.map((s) => html`<th scope="col">${s.name}</th>`)}</tr></thead>
<tbody>${axis.labels.map((label, i) => html`<tr><th scope="row">${label}</th>${series.map((s) => html`<td class="num">${cell(s.values[i] ?? null)}</td>`)}</tr>`)}</tbody>
</table></details>`;
}

/** The visible caption repeats the SVG's title and description: sighted readers need them too. */
const figure = (t: ChartText, svg: Html, after: Renderable): Html =>
  html`<figure class="chart-box" id="${t.id}"><figcaption><h2>${t.title}</h2><p class="small muted">${t.desc}</p></figcaption>${svg}${after}</figure>`;

/** Counts are whole: the axis tops out on a multiple of 4 (so the quarter gridlines are whole too), at least 4. */
export const countMax = (max: number): number => Math.max(4, Math.ceil(max / 4) * 4);

/** Lines over a shared x axis; a null value breaks the line (no data that day or month). */
export function lineChart(t: ChartText, axis: Axis, series: readonly Series[], o: { yMax?: number; cell?: (v: number | null) => string; colors?: readonly string[] } = {}): Html {
  const colors = o.colors ?? PALETTE;
  const yMax = o.yMax ?? niceMax(Math.max(0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null))));
  const n = axis.labels.length;
  const lines = series.map((s, si) => {
    const segments: string[] = [];
    let current = '';
    s.values.forEach((v, i) => {
      if (v === null) { if (current) segments.push(current); current = ''; return; }
      current += `${current ? 'L' : 'M'}${xAt(i, n).toFixed(1)},${yAt(v, yMax).toFixed(1)}`;
    });
    if (current) segments.push(current);
    const color = colors[si % colors.length]!;
    const dots = s.values.map((v, i) => (v === null || n > 40 ? '' : html`<circle cx="${xAt(i, n).toFixed(1)}" cy="${yAt(v, yMax).toFixed(1)}" r="2.5" fill="${color}"/>`));
    return html`${segments.map((d) => html`<path d="${d}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round"/>`)}${dots}`;
  });
  return figure(t, frame(t, axis, yMax, lines), html`${legend(series, colors)}${dataTable(t, axis, series, o.cell ?? ((v) => (v === null ? '—' : axis.format(v))))}`);
}

/** Bars stacked per x label (collections by component, notices sent and failed). */
export function stackedBars(t: ChartText, axis: Axis, series: readonly Series[], o: { cell?: (v: number | null) => string; colors?: readonly string[]; counts?: boolean } = {}): Html {
  const colors = o.colors ?? PALETTE;
  const n = axis.labels.length;
  const totals = axis.labels.map((_, i) => series.reduce((s, x) => s + (x.values[i] ?? 0), 0));
  const yMax = (o.counts ? countMax : niceMax)(Math.max(0, ...totals));
  const slot = plotW / Math.max(1, n);
  const barW = Math.max(2, Math.min(28, slot * 0.7));
  const bars = axis.labels.map((_, i) => {
    let base = 0;
    const x = PAD.left + slot * i + (slot - barW) / 2;
    return series.map((s, si) => {
      const v = s.values[i] ?? 0;
      if (v <= 0) return '';
      const y0 = yAt(base, yMax);
      base += v;
      const y1 = yAt(base, yMax);
      return html`<rect x="${x.toFixed(1)}" y="${y1.toFixed(1)}" width="${barW.toFixed(1)}" height="${Math.max(0.5, y0 - y1).toFixed(1)}" fill="${colors[si % colors.length]}"/>`;
    });
  });
  const barAxis: Axis = { ...axis, labels: axis.labels };
  return figure(t, frameBars(t, barAxis, yMax, bars, slot), html`${legend(series, colors)}${dataTable(t, axis, series, o.cell ?? ((v) => (v === null ? '—' : axis.format(v))))}`);
}

/** Bars sit in slots, so their labels are centred on the slots rather than on line points. */
function frameBars(t: ChartText, axis: Axis, yMax: number, body: Renderable, slot: number): Html {
  const every = Math.max(1, Math.ceil(axis.labels.length / 8));
  const xs = axis.labels.map((label, i) => (i % every === 0 ? html`<text x="${(PAD.left + slot * i + slot / 2).toFixed(1)}" y="${H - 12}" text-anchor="middle" font-size="11" fill="#55595f">${label}</text>` : ''));
  return frame(t, { ...axis, labels: [] }, yMax, html`${body}${xs}`);
}

export interface Meter { label: string; value: number; max: number; text: string }

/** Horizontal meters (quota used of quota), one row each, with the figure written beside it. */
export function meters(t: ChartText, rows: readonly Meter[]): Html {
  const rowH = 34;
  const h = Math.max(rowH, rows.length * rowH) + 8;
  const labelW = 150;
  const barW = W - labelW - 150;
  const body = rows.map((r, i) => {
    const y = 8 + i * rowH;
    const f = r.max > 0 ? Math.min(1, r.value / r.max) : 0;
    const color = f >= 0.9 ? '#b3261e' : f >= 0.75 ? '#e8710a' : '#0b57d0';
    return html`<text x="0" y="${y + 16}" font-size="12" fill="#1b1b1f">${r.label}</text>
<rect x="${labelW}" y="${y + 4}" width="${barW}" height="16" rx="4" fill="#e3e6ea"/><rect x="${labelW}" y="${y + 4}" width="${(barW * f).toFixed(1)}" height="16" rx="4" fill="${color}"/>
<text x="${labelW + barW + 8}" y="${y + 16}" font-size="12" fill="#1b1b1f">${r.text}</text>`;
  });
  const svg = html`<svg class="chart" viewBox="0 0 ${W} ${h}" role="img" aria-labelledby="${t.id}-t ${t.id}-d" focusable="false"><title id="${t.id}-t">${t.title}</title><desc id="${t.id}-d">${t.desc}</desc>${body}</svg>`;
  const table = html`<details class="data"><summary>${t.tableLabel}</summary><table><caption>${t.title}</caption><tbody>${rows.map((r) => html`<tr><th scope="row">${r.label}</th><td class="num">${r.text}</td></tr>`)}</tbody></table></details>`;
  return figure(t, svg, table);
}
