export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';
export const LANG_COOKIE = 'fq_lang';

/** "en", "en-US", "zh", "zh-CN" → a locale we have; anything else → null. */
export function parseLocale(value: string | undefined): Locale | null {
  if (!value) return null;
  const v = value.trim().toLowerCase();
  if (v === 'en' || v.startsWith('en-')) return 'en';
  if (v === 'zh' || v.startsWith('zh-') || v === 'zh_cn') return 'zh-CN';
  return null;
}

/**
 * ?lang= wins (and is remembered in a cookie by the caller), then the cookie, then Chinese.
 * Accept-Language is ignored on purpose: the product's default is Chinese, and a customer who
 * wants English asks once with the switch rather than depending on a browser setting.
 */
export function pickLocale(query: string | undefined, cookie: string | undefined): { locale: Locale; remember: boolean } {
  const asked = parseLocale(query);
  if (asked) return { locale: asked, remember: asked !== parseLocale(cookie) };
  return { locale: parseLocale(cookie) ?? DEFAULT_LOCALE, remember: false };
}
