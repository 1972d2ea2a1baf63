import { html, type Html } from '../../html.ts';
import { alert } from '../../portal/layout.ts';
import { consolePage, hiddenKey, table, type ConsoleView } from '../layout.ts';
import { consolePaths } from '../paths.ts';
import { mayAct } from '../staff-session.ts';
import { shanghaiTime } from './ticket-table.ts';

/** 审批: waivers and refunds above the requester's limit; the API refuses approving your own. */
export function approvalsPage(v: ConsoleView, s: { items: readonly any[]; notice?: string; error?: string; formKey: string }): Html {
  const c = v.c;
  const act = v.staff ? mayAct(v.staff) : false;
  return consolePage(v, { title: c.approvalsTitle, section: 'approvals' }, html`<h1>${c.approvalsTitle}</h1>
${s.error ? alert('danger', s.error) : ''}${s.notice ? alert('ok', s.notice) : ''}
<section class="card">${table(c, c.approvalsTitle, [c.kind, c.amount, c.reason, c.requestedBy, c.createdAt, ''], s.items.map((a) => [
    a.kind, `¥${a.amount}`, a.reason, `${a.requestedBy} (${a.requestedRole})`, shanghaiTime(a.createdAt),
    act && a.status === 'pending' ? html`<form method="post" action="${consolePaths.approvalDecision(a.id, 'approve')}">${hiddenKey(s.formKey)}<button class="btn small" type="submit">${c.approve}</button></form>
<form method="post" action="${consolePaths.approvalDecision(a.id, 'reject')}"><input name="note" maxlength="500" aria-label="${c.note}"><button class="btn small secondary" type="submit">${c.reject}</button></form>` : a.status,
  ]))}</section>`);
}
