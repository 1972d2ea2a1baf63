import { splitDate, type BusinessDate } from '../calendar/business-date.ts';
import { displayYuan, formatYuan } from '../money/parse.ts';
import type { Fen } from '../money/fen.ts';
import { DEFAULT_LOCALE, LOCALES, type Locale } from './kinds.ts';

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Amounts as each locale writes them in a message: "1,234.56元" in Chinese (the unit after
 * the figure, as banks' and carriers' SMS do), "¥1,234.56" in English.
 */
export function formatAmount(fen: Fen, locale: Locale): string {
  if (locale === 'en') return displayYuan(fen);
  const [whole, frac] = formatYuan(Math.abs(fen)).split('.');
  return `${fen < 0 ? '-' : ''}${whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac}元`;
}

/** "2026年2月10日" / "10 Feb 2026": day-first English, never the ambiguous 02/10/2026. */
export function formatDate(date: BusinessDate, locale: Locale): string {
  const { year, month, day } = splitDate(date);
  return locale === 'en' ? `${day} ${MONTHS_EN[month - 1]} ${year}` : `${year}年${month}月${day}日`;
}

/** "3天" / "1 day", "3 days". */
export function formatDays(days: number, locale: Locale): string {
  return locale === 'en' ? `${days} ${days === 1 ? 'day' : 'days'}` : `${days}天`;
}

export const isLocale = (value: unknown): value is Locale => (LOCALES as readonly unknown[]).includes(value);

/**
 * The locale an Accept-Language header asks for, among the two Fenqi writes. Only for pages
 * shown before we know who is asking (an invalid link); a customer's own setting wins elsewhere.
 */
export function localeFromAcceptLanguage(header: string | undefined): Locale {
  if (!header) return DEFAULT_LOCALE;
  const ranked = header.split(',').map((part, i) => {
    const [tag, ...params] = part.trim().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
    return { tag: (tag ?? '').toLowerCase(), q: q ? Number(q[1]) : 1, i };
  }).filter((r) => r.tag && r.q > 0).sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranked) {
    if (r.tag.startsWith('zh')) return 'zh-CN';
    if (r.tag.startsWith('en')) return 'en';
  }
  return DEFAULT_LOCALE;
}
