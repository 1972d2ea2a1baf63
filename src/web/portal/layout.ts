import { html, type Html, type Renderable } from '../html.ts';
import { paths } from './paths.ts';
import type { Locale } from '../i18n/locale.ts';
import type { Messages } from '../i18n/messages.ts';

export type Tab = 'home' | 'bills' | 'plans' | 'account';

/** What every page is rendered with. */
export interface View {
  locale: Locale;
  m: Messages;
  /** This page's URL with ?lang swapped for the other locale: the language switch. */
  switchHref: string;
  cssHref: string;
}

export interface PageOptions {
  title: string;
  tab?: Tab;
  /** Show the tab bar (logged-in pages). */
  nav?: boolean;
  /** The browser goes to url by itself after some seconds (a payment in flight); no script needed. */
  refresh?: { seconds: number; url: string };
}

/**
 * The page shell: lang attribute for screen readers and font choice, a skip link, one
 * stylesheet (cached, named by its hash), no scripts. The tab bar comes last (after the
 * content for keyboards and screen readers) and sticks to the bottom of a phone's screen; on
 * a desktop CSS moves it under the header.
 */
export function page(v: View, o: PageOptions, body: Renderable): Html {
  const m = v.m;
  const tab = (id: Tab, href: string, label: string) => html`<a href="${href}"${o.tab === id ? html` aria-current="page"` : ''}>${label}</a>`;
  return html`<!doctype html>
<html lang="${v.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="color-scheme" content="light">
${o.refresh ? html`<meta http-equiv="refresh" content="${`${o.refresh.seconds};url=${o.refresh.url}`}">` : ''}
<title>${o.title} · ${m.appName}</title>
<link rel="stylesheet" href="${v.cssHref}">
<link rel="icon" href="data:,">
</head>
<body>
<a class="skip" href="#main">${m.skipToContent}</a>
<header class="top"><a class="brand" href="${paths.home}">${m.appName}</a><a class="lang" href="${v.switchHref}" lang="${v.locale === 'en' ? 'zh-CN' : 'en'}" aria-label="${m.switchLanguageLabel}">${m.switchLanguage}</a></header>
<main id="main">
${body}
</main>
<footer>${m.footer}</footer>
${o.nav ? html`<nav class="tabs" aria-label="${m.mainNav}">${tab('home', paths.home, m.navHome)}${tab('bills', paths.bills, m.navBills)}${tab('plans', paths.plans, m.navPlans)}${tab('account', paths.account, m.navAccount)}</nav>` : ''}
</body>
</html>`;
}

export const alert = (kind: 'danger' | 'info' | 'ok' | 'warn', text: Renderable, role: 'alert' | 'status' = kind === 'danger' ? 'alert' : 'status'): Html =>
  html`<p class="alert ${kind}" role="${role}">${text}</p>`;
