import { html, type Html } from '../../html.ts';
import { paths } from '../paths.ts';
import { alert, page, type View } from '../layout.ts';
import { hiddenField } from '../parts.ts';

export interface LoginState {
  step: 'phone' | 'code';
  phone?: string;
  /** Where to go after logging in (a local path, checked by the caller). */
  next?: string;
  error?: string;
  notice?: string;
}

/**
 * Two steps, two small forms: the phone number, then the code. Each is a plain POST, so it
 * works with scripts off and on the slowest connection. The code field asks the phone's
 * keyboard for digits and lets iOS/Android fill the code from the SMS (one-time-code).
 */
export function loginPage(v: View, s: LoginState): Html {
  const m = v.m;
  const messages = html`${s.error ? alert('danger', s.error) : ''}${s.notice ? alert('info', s.notice) : ''}`;
  const body = s.step === 'phone'
    ? html`<form method="post" action="${paths.loginCode}" class="card" novalidate>
${hiddenField('next', s.next)}
<label for="phone">${m.phoneLabel}<span class="hint" id="phone-hint">${m.phoneHint}</span></label>
<input id="phone" name="phone" type="tel" inputmode="numeric" autocomplete="tel-national" maxlength="20" required autofocus aria-describedby="phone-hint" value="${s.phone ?? ''}"${s.error ? html` aria-invalid="true"` : ''}>
<button class="btn" type="submit">${m.sendCode}</button>
</form>`
    : html`<form method="post" action="${paths.login}" class="card" novalidate>
${hiddenField('next', s.next)}${hiddenField('phone', s.phone)}
<p class="muted">${m.phoneLabel}: <span class="num">${s.phone ?? ''}</span></p>
<label for="code">${m.codeLabel}<span class="hint" id="code-hint">${m.codeHint(s.phone ?? '')}</span></label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required autofocus aria-describedby="code-hint"${s.error ? html` aria-invalid="true"` : ''}>
<button class="btn" type="submit">${m.logIn}</button>
</form>
<form method="post" action="${paths.loginCode}" class="center">
${hiddenField('next', s.next)}${hiddenField('phone', s.phone)}
<button class="linkbtn" type="submit">${m.resendCode}</button> · <a href="${paths.login}${s.next ? `?next=${encodeURIComponent(s.next)}` : ''}">${m.changePhoneNumber}</a>
</form>`;
  return page(v, { title: m.loginTitle }, html`<h1>${m.loginTitle}</h1>
<p class="muted">${m.loginLead}</p>
${messages}
${body}
<p class="muted small">${m.loginTerms}</p>`);
}
