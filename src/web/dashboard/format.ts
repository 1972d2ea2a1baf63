import { displayYuan, parseYuan } from '../../core/money/parse.ts';
import type { Fen } from '../../core/money/fen.ts';
import type { Locale } from '../i18n/locale.ts';

/** Exact money for tables: ¥1,234.56. */
export const yuan = (fen: number): string => displayYuan(fen as Fen);
/** An API yuan string ("2000000.00") as the tables show money (¥2,000,000.00); as given if it does not parse. */
export function apiYuan(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const fen = parseYuan(value, { field: 'amount' });
  return fen.ok ? yuan(fen.value) : value;
}

/**
 * Short money for chart axes, where only the size matters: 万 / 亿 in Chinese, k / M in
 * English. Axis ticks are display only; every exact figure is in the chart's table.
 */
export function shortYuan(locale: Locale, fen: number): string {
  const y = fen / 100;
  const trim = (n: number) => String(Number(n.toFixed(n >= 100 ? 0 : n >= 10 ? 1 : 2)));
  if (locale === 'zh-CN') {
    if (Math.abs(y) >= 1e8) return `¥${trim(y / 1e8)}亿`;
    if (Math.abs(y) >= 1e4) return `¥${trim(y / 1e4)}万`;
    return `¥${trim(y)}`;
  }
  if (Math.abs(y) >= 1e6) return `¥${trim(y / 1e6)}M`;
  if (Math.abs(y) >= 1e3) return `¥${trim(y / 1e3)}k`;
  return `¥${trim(y)}`;
}

/** A share as a percent with one decimal; "—" when there is nothing to divide by. */
export const pct = (part: number, whole: number): string => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '—');
export const pctAxis = (v: number): string => `${Number(v.toFixed(1))}%`;
export const count = (v: number): string => String(Math.round(v));
/** 2026-02-08 → 02-08, and 2026-02 stays as it is: chart labels are short. */
export const shortDate = (d: string): string => (d.length === 10 ? d.slice(5) : d);
