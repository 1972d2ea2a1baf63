import { html, type Html } from '../../html.ts';
import { alert } from '../../portal/layout.ts';
import { dashboardPage, type DashboardView } from '../layout.ts';
import { dashboardPaths } from '../paths.ts';

export function staffLoginPage(v: DashboardView, error?: string): Html {
  const d = v.d;
  return dashboardPage(v, { title: d.loginTitle }, html`<section class="card narrow">
<h1>${d.loginTitle}</h1>
${error ? alert('danger', error) : ''}
<p class="small muted">${d.loginLead}</p>
<form method="post" action="${dashboardPaths.login}">
<label for="key">${d.keyLabel}</label>
<input id="key" name="key" type="password" autocomplete="current-password" required autofocus>
<button class="btn" type="submit">${d.logIn}</button>
</form>
</section>`);
}
