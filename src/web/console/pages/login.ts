import { html, type Html } from '../../html.ts';
import { alert } from '../../portal/layout.ts';
import { consolePage, type ConsoleView } from '../layout.ts';
import { consolePaths } from '../paths.ts';

export function consoleLoginPage(v: ConsoleView, error?: string): Html {
  const c = v.c;
  return consolePage(v, { title: c.loginTitle }, html`<section class="card narrow">
<h1>${c.loginTitle}</h1>
${error ? alert('danger', error) : ''}
<p class="small muted">${c.loginLead}</p>
<form method="post" action="${consolePaths.login}">
<label for="key">${c.keyLabel}</label>
<input id="key" name="key" type="password" autocomplete="current-password" required autofocus>
<button class="btn" type="submit">${c.logIn}</button>
</form>
</section>`);
}
