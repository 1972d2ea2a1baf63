import type { MonthDelinquency } from './report.ts';

const COLOURS: Record<string, string> = { M1: '#f2c14e', M2: '#f78154', M3: '#d1495b', 'M4+': '#5d2e46' };
const FALLBACK = '#888888';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Delinquency by month as a stacked bar chart (SVG, no dependencies): one bar per month,
 * one segment per overdue bucket, height = share of active plans. The scale is the largest
 * monthly total rounded up to a whole percent, so a healthy book is still readable.
 */
export function delinquencyChartSvg(months: readonly MonthDelinquency[], title: string): string {
  const width = 760, height = 360, left = 56, right = 110, top = 40, bottom = 48;
  const plotW = width - left - right, plotH = height - top - bottom;
  const buckets = [...new Set(months.flatMap((m) => Object.keys(m.overdueRate)))].sort();
  const totals = months.map((m) => Object.values(m.overdueRate).reduce((s, x) => s + x, 0));
  const maxPct = Math.max(1, Math.ceil(Math.max(0, ...totals) * 100));
  const y = (share: number) => (share * 100 / maxPct) * plotH;
  const slot = months.length > 0 ? plotW / months.length : plotW;
  const barW = Math.max(4, slot * 0.6);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="22" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
  for (let k = 0; k <= 4; k++) {
    const v = (maxPct * k) / 4;
    const yy = top + plotH - (plotH * k) / 4;
    parts.push(`<line x1="${left}" y1="${yy.toFixed(1)}" x2="${left + plotW}" y2="${yy.toFixed(1)}" stroke="#dddddd"/>`);
    parts.push(`<text x="${left - 6}" y="${(yy + 4).toFixed(1)}" text-anchor="end">${v.toFixed(v % 1 === 0 ? 0 : 2)}%</text>`);
  }
  months.forEach((m, i) => {
    const x = left + i * slot + (slot - barW) / 2;
    let base = top + plotH;
    for (const b of buckets) {
      const h = y(m.overdueRate[b] ?? 0);
      if (h <= 0) continue;
      base -= h;
      parts.push(`<rect x="${x.toFixed(1)}" y="${base.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${COLOURS[b] ?? FALLBACK}"><title>${esc(`${m.month} ${b}: ${((m.overdueRate[b] ?? 0) * 100).toFixed(2)}%`)}</title></rect>`);
    }
    parts.push(`<text x="${(x + barW / 2).toFixed(1)}" y="${top + plotH + 16}" text-anchor="middle">${esc(m.month.slice(2))}</text>`);
  });
  buckets.forEach((b, i) => {
    const yy = top + 10 + i * 18;
    parts.push(`<rect x="${width - right + 16}" y="${yy}" width="12" height="12" fill="${COLOURS[b] ?? FALLBACK}"/>`);
    parts.push(`<text x="${width - right + 34}" y="${yy + 10}">${esc(b)}</text>`);
  });
  parts.push(`<text x="${left + plotW / 2}" y="${height - 10}" text-anchor="middle">month (share of active plans overdue, by bucket)</text>`, '</svg>');
  return `${parts.join('\n')}\n`;
}
