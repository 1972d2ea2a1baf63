import { html, type Html } from '../../html.ts';
import { paths } from '../paths.ts';
import { dateTime } from '../../i18n/format.ts';
import type { Account } from '../../api-client.ts';
import { alert, page, type View } from '../layout.ts';

export interface AccountState {
  account: Account;
  /** Something is owed or a credit balance awaits refund: cancellation would be refused. */
  owes: boolean;
  /** The cancellation step: asked for a code, waiting for it. */
  cancelStep?: 'code';
  error?: string;
  notice?: string;
}

/**
 * The bound phone (masked), the billing days, language, log out, and cancellation — which
 * says plainly why it is not possible while anything is owed, instead of a button that fails.
 */
export function accountPage(v: View, s: AccountState): Html {
  const m = v.m;
  const a = s.account;
  const cancel = s.owes
    ? html`<p class="small">${m.cancelWhyNot}</p><button class="btn secondary" type="button" disabled>${m.cancelAccount}</button>`
    : s.cancelStep === 'code'
      ? html`<p class="small">${m.cancelExplain}</p>
<form method="post" action="${paths.cancel}">
<label for="code">${m.codeLabel}<span class="hint" id="code-hint">${m.codeHint(a.phone ?? '')}</span></label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required autofocus aria-describedby="code-hint">
<button class="btn danger" type="submit">${m.cancelConfirm}</button>
</form>`
      : html`<p class="small">${m.cancelExplain}</p>
<form method="post" action="${paths.cancelCode}"><button class="btn secondary" type="submit">${m.cancelSendCode}</button></form>`;
  return page(v, { title: m.accountTitle, tab: 'account', nav: true }, html`<h1>${m.accountTitle}</h1>
${s.error ? alert('danger', s.error) : ''}${s.notice ? alert('info', s.notice) : ''}
<section class="card">
<dl class="facts">
<dt>${m.boundPhone}</dt><dd class="num" data-testid="phone">${a.phone ?? '—'}</dd>
<dt>${m.statementDay}</dt><dd>${m.monthlyDay(a.statementDay)}</dd>
<dt>${m.dueDay}</dt><dd>${m.monthlyDay(a.dueDay)}</dd>
<dt>${m.memberSince}</dt><dd>${dateTime(v.locale, a.createdAt)}</dd>
<dt>${m.language}</dt><dd><a href="?lang=zh-CN" lang="zh-CN"${v.locale === 'zh-CN' ? html` aria-current="true"` : ''}>中文</a> · <a href="?lang=en" lang="en"${v.locale === 'en' ? html` aria-current="true"` : ''}>English</a></dd>
</dl>
<form method="post" action="${paths.logout}"><button class="btn secondary" type="submit">${m.logOut}</button></form>
</section>
<section class="card" aria-labelledby="cancel-h">
<h2 id="cancel-h">${m.cancelAccount}</h2>
${cancel}
</section>`);
}

/** After cancellation: logged out, nothing left to show. */
export function cancelledPage(v: View): Html {
  return page(v, { title: v.m.cancelAccount }, html`<section class="card center">${alert('ok', v.m.cancelled)}<a class="btn" href="${paths.login}">${v.m.logIn}</a></section>`);
}
