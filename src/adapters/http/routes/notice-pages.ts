import type { FastifyReply } from 'fastify';
import type { Locale } from '../../../core/notices/kinds.ts';
import { formatAmount, formatDate, formatDays } from '../../../core/notices/format.ts';
import { escapeHtml } from '../../../core/notices/templates.ts';
import type { RepaymentLinkView } from '../../../app/notices/open-repayment-link.ts';

/**
 * The small pages a repayment link opens (until the portal's pay page takes over). Plain
 * HTML, no script, no third-party anything; never cached, never indexed, never leaking the
 * token in a Referer.
 */
export type LinkPage =
  | RepaymentLinkView
  | { status: 'renewal_requested' }
  | { status: 'email_verified'; locale: Locale };

interface Page { status: number; title: string; body: string }

const T = {
  'zh-CN': {
    dueTitle: '本期应还', dueOn: '最后还款日', overdue: '已逾期', lateCharges: '其中逾期费用', account: '账户手机尾号', pay: '去还款',
    dueNote: '请勿把此链接转发给他人。还款时可能需要用手机验证码登录。',
    nothingTitle: '这笔账单已无需还款', nothingBody: '这个链接对应的账单已经还清或已取消。如需查看其他账单，请登录。',
    expiredTitle: '链接已过期', expiredBody: '为了保护您的账户，还款链接只在一段时间内有效。您可以把新链接发送到账户绑定的手机号，或者直接登录还款。',
    renew: '发送新链接到我的手机', login: '登录还款',
    invalidTitle: '链接无效', invalidBody: '这个链接无法打开：可能复制不完整，或已失效。请使用最新短信或邮件中的链接，或者直接登录还款。',
    renewedTitle: '已处理您的请求', renewedBody: '如果这是我们发出的还款链接，新链接会在几分钟内以短信发送到账户绑定的手机号（夜间21点至次日8点不发短信，将在早上发送）。您也可以直接登录还款。',
    verifiedTitle: '邮箱已验证', verifiedBody: '之后的账单和还款提醒也会发送到这个邮箱。',
  },
  en: {
    dueTitle: 'Amount due', dueOn: 'Due date', overdue: 'Overdue by', lateCharges: 'including late charges of', account: 'Account phone ending in', pay: 'Pay now',
    dueNote: 'Do not forward this link. You may be asked to log in with a code sent to your phone to pay.',
    nothingTitle: 'Nothing to pay on this bill', nothingBody: 'The bill this link is for has been paid or cancelled. Log in to see your other bills.',
    expiredTitle: 'This link has expired', expiredBody: 'To protect your account, repayment links are valid for a limited time. We can send a new link to the phone number on your account, or you can log in to pay.',
    renew: 'Send a new link to my phone', login: 'Log in to pay',
    invalidTitle: 'This link is not valid', invalidBody: 'This link cannot be opened: it may be incomplete or no longer valid. Use the link in your latest SMS or email, or log in to pay.',
    renewedTitle: 'Request received', renewedBody: 'If this was a repayment link from us, a new link will be texted to the phone number on the account within a few minutes (no texts between 21:00 and 08:00; it will come in the morning). You can also log in to pay.',
    verifiedTitle: 'Email address verified', verifiedBody: 'Bills and repayment reminders will also be sent to this address.',
  },
} as const;

/** `loginPath`: the portal page that asks for a login (its pay page without a bill). `renewAction`: where the expired page posts. */
export function sendLinkPage(reply: FastifyReply, view: LinkPage, fallbackLocale: Locale, loginPath: string, renewAction: string): FastifyReply {
  const locale = 'locale' in view ? view.locale : fallbackLocale;
  const page = pageFor(view, locale, loginPath, renewAction);
  const html = `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>body{font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.6}
.amount{font-size:2.2rem;font-weight:600;margin:.2rem 0}.muted{color:#666;font-size:.9rem}
.button{display:inline-block;padding:.7rem 1.6rem;background:#d9363e;color:#fff;text-decoration:none;border:0;border-radius:4px;font-size:1rem;cursor:pointer}
.link{display:inline-block;margin-top:1rem}</style></head>
<body>
<h1>${escapeHtml(page.title)}</h1>
${page.body}
</body></html>
`;
  return reply.code(page.status)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-robots-tag', 'noindex, nofollow')
    .header('x-frame-options', 'DENY')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
    .type('text/html; charset=utf-8')
    .send(html);
}

function pageFor(view: LinkPage, locale: Locale, loginPath: string, renewAction: string): Page {
  const t = T[locale];
  const e = escapeHtml;
  const login = `<p><a class="link" href="${e(loginPath)}">${t.login}</a></p>`;
  switch (view.status) {
    case 'due': {
      const overdue = view.daysPastDue > 0
        ? `<p>${t.overdue} ${e(formatDays(view.daysPastDue, locale))}${view.lateChargesFen > 0 ? `, ${t.lateCharges} ${e(formatAmount(view.lateChargesFen, locale))}` : ''}</p>` : '';
      return {
        status: 200, title: t.dueTitle,
        body: `<p class="amount" data-amount-due>${e(formatAmount(view.amountDueFen, locale))}</p>
<p>${t.dueOn}: <span data-due-date>${e(formatDate(view.dueDate, locale))}</span></p>
${overdue}${view.phoneTail ? `<p class="muted">${t.account} ${e(view.phoneTail)}</p>` : ''}
<p><a class="button" href="${e(view.payPath)}">${t.pay}</a></p>
<p class="muted">${t.dueNote}</p>`,
      };
    }
    case 'nothing_due':
      return { status: 200, title: t.nothingTitle, body: `<p>${t.nothingBody}</p>${login}` };
    case 'expired':
      return {
        status: 410, title: t.expiredTitle,
        body: `<p>${t.expiredBody}</p>\n<form method="post" action="${e(renewAction)}"><button class="button" type="submit">${t.renew}</button></form>\n${login}`,
      };
    case 'invalid':
      return { status: 404, title: t.invalidTitle, body: `<p>${t.invalidBody}</p>${login}` };
    case 'renewal_requested':
      return { status: 202, title: t.renewedTitle, body: `<p>${t.renewedBody}</p>${login}` };
    case 'email_verified':
      return { status: 200, title: t.verifiedTitle, body: `<p>${t.verifiedBody}</p>` };
  }
}
