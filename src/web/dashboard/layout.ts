import { html, type Html, type Renderable } from '../html.ts';
import type { Locale } from '../i18n/locale.ts';
import { dashboardMessages, type DashboardMessages } from '../i18n/dashboard-messages.ts';
import type { Staff } from './staff-auth.ts';
import { dashboardPaths } from './paths.ts';

export interface DashboardView { locale: Locale; d: DashboardMessages; switchHref: string; css: string[]; staff: Staff | null }

export const dashboardView = (locale: Locale, switchHref: string, css: string[], staff: Staff | null): DashboardView =>
  ({ locale, d: dashboardMessages(locale), switchHref, css, staff });

export type Section = 'overview' | 'entrances' | 'products' | 'merchants' | 'partners';

/** The dashboard's shell: the portal's base styles plus a wide layout; no script, like every page here. */
export function dashboardPage(v: DashboardView, o: { title: string; section?: Section }, body: Renderable): Html {
  const d = v.d;
  const link = (id: Section, href: string, label: string) => html`<a href="${href}"${o.section === id ? html` aria-current="page"` : ''}>${label}</a>`;
  return html`<!doctype html>
<html lang="${v.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${o.title} · ${d.title}</title>
${v.css.map((href) => html`<link rel="stylesheet" href="${href}">`)}
<link rel="icon" href="data:,">
</head>
<body class="dashboard">
<header class="top"><a class="brand" href="${dashboardPaths.home}">${d.title}</a><a class="lang" href="${v.switchHref}" lang="${v.locale === 'en' ? 'zh-CN' : 'en'}">${v.locale === 'en' ? '中文' : 'English'}</a></header>
${v.staff ? html`<nav class="dash-nav" aria-label="${d.title}">${link('overview', dashboardPaths.home, d.navOverview)}${link('entrances', dashboardPaths.entrances, d.navEntrances)}${link('products', dashboardPaths.products, d.navProducts)}${link('merchants', dashboardPaths.merchants, d.navMerchants)}${link('partners', dashboardPaths.partners, d.navPartners)}
<span class="who">${d.roleIs(v.staff.role)}</span><form method="post" action="${dashboardPaths.logout}"><button class="linkbtn" type="submit">${d.logOut}</button></form></nav>` : ''}
<main id="main" class="wide">
${body}
</main>
</body>
</html>`;
}
