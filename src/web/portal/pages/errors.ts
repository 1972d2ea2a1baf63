import { html, type Html } from '../../html.ts';
import { page, type View } from '../layout.ts';
import { paths } from '../paths.ts';

/** Not found — also what another customer's plan looks like, so an id reveals nothing. */
export function notFoundPage(v: View, loggedIn: boolean): Html {
  const m = v.m;
  return page(v, { title: m.notFoundTitle, nav: loggedIn }, html`<section class="card center">
<h1>${m.notFoundTitle}</h1><p class="muted">${m.notFoundLead}</p><a class="btn" href="${paths.home}">${m.backHome}</a></section>`);
}

export function errorPage(v: View, loggedIn: boolean): Html {
  const m = v.m;
  return page(v, { title: m.errorTitle, nav: loggedIn }, html`<section class="card center">
<h1>${m.errorTitle}</h1><p class="muted">${m.errorLead}</p><a class="btn" href="${paths.home}">${m.backHome}</a></section>`);
}

export function forbiddenPage(v: View): Html {
  const m = v.m;
  return page(v, { title: m.forbiddenTitle }, html`<section class="card center">
<h1>${m.forbiddenTitle}</h1><p class="muted">${m.forbiddenLead}</p><a class="btn" href="${paths.home}">${m.backHome}</a></section>`);
}
