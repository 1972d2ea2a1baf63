import type { Locale } from './locale.ts';
import { en } from './portal-en.ts';
import { zhCN, type PortalCatalog } from './portal-zh-CN.ts';

/**
 * The portal's words, one catalogue per locale: Chinese (portal-zh-CN.ts) is the source and
 * English (portal-en.ts) is typed by it. Amounts and dates are formatted before they are
 * passed in (see format.ts).
 */
export type Messages = PortalCatalog;
const CATALOGS: Record<Locale, Messages> = { 'zh-CN': zhCN, en };
export const messages = (locale: Locale): Messages => CATALOGS[locale];

/** The words for an API error code, falling back to a generic line (never the raw English detail). */
export function errorText(m: Messages, code: string | undefined): string {
  return (code && m.errors[code]) || m.errors.unknown!;
}
