import { displayYuan, parseYuan } from '../../core/money/parse.ts';
import type { Locale } from './locale.ts';

/**
 * Amounts and dates for people. Money arrives from the API as an exact yuan string and is
 * shown through the same fen formatter the rest of Fenqi uses: "1234.5" → "¥1,234.50". No
 * floating point touches it. Both locales group by thousands with a comma and use ¥.
 */
export function money(yuan: string): string {
  const fen = parseYuan(yuan, { allowNegative: true });
  return fen.ok ? displayYuan(fen.value) : yuan;
}

/** True when a yuan string is more than zero. */
export function positive(yuan: string): boolean {
  const fen = parseYuan(yuan, { allowNegative: true });
  return fen.ok && fen.value > 0;
}

export function fenOf(yuan: string): number {
  const fen = parseYuan(yuan, { allowNegative: true });
  return fen.ok ? fen.value : 0;
}

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A business date (YYYY-MM-DD, a calendar day with no time zone): 2026年2月10日 / 10 Feb 2026. */
export function date(locale: Locale, d: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
  if (!m) return d;
  const [y, mo, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return locale === 'en' ? `${day} ${MONTHS_EN[mo - 1]} ${y}` : `${y}年${mo}月${day}日`;
}

/** Without the year, for lists inside one year: 2月10日 / 10 Feb. */
export function dayMonth(locale: Locale, d: string): string {
  const m = /^\d{4}-(\d{2})-(\d{2})$/.exec(d);
  if (!m) return d;
  return locale === 'en' ? `${Number(m[2])} ${MONTHS_EN[Number(m[1]) - 1]}` : `${Number(m[1])}月${Number(m[2])}日`;
}

const TIME_FORMATS: Record<Locale, Intl.DateTimeFormat> = {
  'zh-CN': new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', dateStyle: 'long', timeStyle: 'short', hourCycle: 'h23' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' }),
};

/** An instant, shown in Beijing time whatever the server's zone (customers and bills are in China). */
export function dateTime(locale: Locale, iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : TIME_FORMATS[locale].format(at);
}

/** A percent string from the API ("13.03") as shown: 13.03%. */
export const percent = (p: string | null): string => (p === null ? '—' : `${p}%`);
