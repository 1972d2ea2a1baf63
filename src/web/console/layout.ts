import { html, type Html, type Renderable } from '../html.ts';
import type { Locale } from '../i18n/locale.ts';
import type { Staff } from '../dashboard/staff-auth.ts';
import { consoleMessages, type ConsoleMessages } from './messages.ts';
import { consolePaths } from './paths.ts';

export interface ConsoleView { locale: Locale; c: ConsoleMessages; switchHref: string; css: readonly string[]; staff: Staff | null }

export type ConsoleSection = 'home' | 'tickets' | 'collections' | 'approvals';

/** The console's shell: the dashboard's wide layout and styles, no script (the CSP allows none). */
export function consolePage(v: ConsoleView, o: { title: string; section?: ConsoleSection }, body: Renderable): Html {
  const c = v.c;
  const link = (id: ConsoleSection, href: string, label: string) => html`<a href="${href}"${o.section === id ? html` aria-current="page"` : ''}>${label}</a>`;
  return html`<!doctype html>
<html lang="${v.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${o.title} · ${c.title}</title>
${v.css.map((href) => html`<link rel="stylesheet" href="${href}">`)}
<link rel="icon" href="data:,">
</head>
<body class="dashboard console">
<header class="top"><a class="brand" href="${consolePaths.home}">${c.title}</a><a class="lang" href="${v.switchHref}" lang="${v.locale === 'en' ? 'zh-CN' : 'en'}">${v.locale === 'en' ? '中文' : 'English'}</a></header>
${v.staff ? html`<nav class="dash-nav" aria-label="${c.title}">${link('home', consolePaths.home, c.navHome)}${link('tickets', consolePaths.tickets, c.navTickets)}${link('collections', consolePaths.collections, c.navCollections)}${link('approvals', consolePaths.approvals, c.navApprovals)}
<span class="who">${c.roleIs(v.staff.role)}</span><form method="post" action="${consolePaths.logout}"><button class="linkbtn" type="submit">${c.logOut}</button></form></nav>` : ''}
<main id="main" class="wide">
${body}
</main>
</body>
</html>`;
}

/** A table with a header row, or the empty message; wrapped so it scrolls sideways on a narrow screen. */
export function table(c: ConsoleMessages, caption: string, head: readonly string[], rows: readonly Renderable[][]): Html {
  if (rows.length === 0) return html`<p class="muted small">${caption}: ${c.empty}</p>`;
  return html`<div class="table-wrap"><table class="data-table"><caption>${caption}</caption>
<thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>${rows.map((r) => html`<tr>${r.map((cell) => html`<td>${cell}</td>`)}</tr>`)}</tbody></table></div>`;
}

export const hiddenKey = (key: string): Html => html`<input type="hidden" name="idem" value="${key}">`;
