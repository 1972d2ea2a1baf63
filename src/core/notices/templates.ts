import type { BusinessDate } from '../calendar/business-date.ts';
import type { Fen } from '../money/fen.ts';
import { invariant } from '../result.ts';
import { formatAmount, formatDate, formatDays } from './format.ts';
import type { Locale, NoticeKind } from './kinds.ts';

/**
 * The words of every notice, per kind, locale and channel. SMS texts are what the provider
 * templates must be registered as (Aliyun: each {name} becomes ${name}; Tencent: {1}, {2}…
 * in order of appearance — see smsTemplateText); the provider adds the signature 【…】.
 * Figures are never baked into words: they come in as facts and are formatted per locale.
 */
export interface NoticeFacts {
  /** Amount due on the bill now (reminders), or the amount received (receipts). */
  amountFen?: Fen;
  dueDate?: BusinessDate;
  /** Late charges on the bill so far (overdue notices). */
  lateChargesFen?: Fen;
  daysOverdue?: number;
  paidOn?: BusinessDate;
  merchantName?: string;
  oldLimitFen?: Fen;
  newLimitFen?: Fen;
  /** Where to repay now, in words ("Fenqi 还款页" / an app name), for entrance changes. */
  entrance?: string;
  effectiveDate?: BusinessDate;
  /** The funding partner (资金方) a portfolio transfer moved the plans to, as customers know it. */
  lender?: string;
  /** A protected bill's new due date (outage protection). */
  newDueDate?: BusinessDate;
  link?: string;
  linkExpiresOn?: BusinessDate;
}

interface Words {
  sms: string;
  subject: string;
  /** Email body lines (before the footer); a line that is just {link} becomes a button. */
  email: readonly string[];
  inboxTitle: string;
  inboxBody: string;
}

type Table = Record<NoticeKind, Record<Locale, Words>>;

const overdue = (): Record<Locale, Words> => ({
  'zh-CN': {
    sms: '您{dueDate}到期的账单已逾期{overdueFor}，应还{amount}，含逾期费用{charges}。请尽快还款：{link}',
    subject: '逾期提醒：{dueDate}到期的账单已逾期{overdueFor}',
    email: ['您{dueDate}到期的账单已逾期{overdueFor}。', '应还金额：{amount}（其中逾期费用{charges}）', '请尽快还款，以免逾期费用继续增加、影响您的信用记录。点击下方链接即可直接还款：', '{link}'],
    inboxTitle: '账单已逾期{overdueFor}',
    inboxBody: '您{dueDate}到期的账单应还{amount}，其中逾期费用{charges}。',
  },
  en: {
    sms: 'Your bill due {dueDate} is {overdueFor} overdue: {amount} to pay, incl. {charges} late charges. Pay now: {link}',
    subject: 'Overdue: your bill due {dueDate} is {overdueFor} overdue',
    email: ['Your bill due {dueDate} is {overdueFor} overdue.', 'Amount to pay: {amount} (including {charges} in late charges)', 'Please pay soon so that late charges stop growing and your credit record is not affected. Pay straight from this link:', '{link}'],
    inboxTitle: 'Bill {overdueFor} overdue',
    inboxBody: 'Your bill due {dueDate}: {amount} to pay, including {charges} in late charges.',
  },
});

export const NOTICE_WORDS: Table = {
  bill_ready: {
    'zh-CN': {
      sms: '您的账单已出，应还{amount}，最后还款日{dueDate}。点击还款：{link}',
      subject: '账单已出：应还{amount}，{dueDate}到期',
      email: ['您本期的账单已出。', '应还金额：{amount}', '最后还款日：{dueDate}', '点击下方链接即可直接还款，无需寻找还款入口：', '{link}'],
      inboxTitle: '账单已出',
      inboxBody: '应还{amount}，最后还款日{dueDate}。',
    },
    en: {
      sms: 'Your bill is ready: {amount} due {dueDate}. Pay here: {link}',
      subject: 'Your bill is ready: {amount} due {dueDate}',
      email: ['Your bill is ready.', 'Amount due: {amount}', 'Due date: {dueDate}', 'Pay straight from this link, no need to look for where to pay:', '{link}'],
      inboxTitle: 'Your bill is ready',
      inboxBody: '{amount} due {dueDate}.',
    },
  },
  due_in_3_days: {
    'zh-CN': {
      sms: '您有一笔账单{amount}将于{dueDate}到期，请按时还款：{link}',
      subject: '还款提醒：{amount}将于{dueDate}到期',
      email: ['您有一笔账单将在3天后到期。', '应还金额：{amount}', '最后还款日：{dueDate}', '点击下方链接即可直接还款：', '{link}'],
      inboxTitle: '3天后到期',
      inboxBody: '应还{amount}，最后还款日{dueDate}。',
    },
    en: {
      sms: 'Reminder: {amount} is due on {dueDate}. Pay here: {link}',
      subject: 'Reminder: {amount} due on {dueDate}',
      email: ['Your bill is due in 3 days.', 'Amount due: {amount}', 'Due date: {dueDate}', 'Pay straight from this link:', '{link}'],
      inboxTitle: 'Due in 3 days',
      inboxBody: '{amount} due {dueDate}.',
    },
  },
  due_tomorrow: {
    'zh-CN': {
      sms: '您的账单{amount}明天（{dueDate}）到期，请按时还款：{link}',
      subject: '明天到期：应还{amount}',
      email: ['您的账单明天（{dueDate}）到期。', '应还金额：{amount}', '点击下方链接即可直接还款：', '{link}'],
      inboxTitle: '明天到期',
      inboxBody: '应还{amount}，最后还款日{dueDate}。',
    },
    en: {
      sms: 'Your bill of {amount} is due tomorrow ({dueDate}). Pay here: {link}',
      subject: 'Due tomorrow: {amount}',
      email: ['Your bill is due tomorrow ({dueDate}).', 'Amount due: {amount}', 'Pay straight from this link:', '{link}'],
      inboxTitle: 'Due tomorrow',
      inboxBody: '{amount} due {dueDate}.',
    },
  },
  due_today: {
    'zh-CN': {
      sms: '您的账单{amount}今天（{dueDate}）到期，请今日还款：{link}',
      subject: '今天到期：应还{amount}',
      email: ['您的账单今天（{dueDate}）到期。', '应还金额：{amount}', '请在今天内还款。点击下方链接即可直接还款：', '{link}'],
      inboxTitle: '今天到期',
      inboxBody: '应还{amount}，今天（{dueDate}）到期。',
    },
    en: {
      sms: 'Your bill of {amount} is due today ({dueDate}). Pay here: {link}',
      subject: 'Due today: {amount}',
      email: ['Your bill is due today ({dueDate}).', 'Amount due: {amount}', 'Please pay today. Pay straight from this link:', '{link}'],
      inboxTitle: 'Due today',
      inboxBody: '{amount} due today ({dueDate}).',
    },
  },
  auto_debit_failed: {
    'zh-CN': {
      sms: '您{dueDate}到期的账单自动扣款未成功，应还{amount}，请手动还款：{link}',
      subject: '自动扣款未成功，请手动还款',
      email: ['您{dueDate}到期的账单自动扣款未成功。', '应还金额：{amount}', '请通过下方链接手动还款：', '{link}'],
      inboxTitle: '自动扣款未成功',
      inboxBody: '您{dueDate}到期的账单应还{amount}，请手动还款。',
    },
    en: {
      sms: 'Auto-debit for your bill due {dueDate} did not go through. {amount} is still due. Pay here: {link}',
      subject: 'Auto-debit did not go through: please pay',
      email: ['Auto-debit for your bill due {dueDate} did not go through.', 'Amount due: {amount}', 'Please pay from this link:', '{link}'],
      inboxTitle: 'Auto-debit did not go through',
      inboxBody: 'Your bill due {dueDate}: {amount} still to pay.',
    },
  },
  payment_received: {
    'zh-CN': {
      sms: '已收到您的还款{amount}（{paidOn}），感谢！',
      subject: '还款回执：{amount}',
      email: ['已收到您的还款，感谢！', '还款金额：{amount}', '入账日期：{paidOn}'],
      inboxTitle: '还款成功',
      inboxBody: '已收到您的还款{amount}（{paidOn}）。',
    },
    en: {
      sms: 'We received your payment of {amount} on {paidOn}. Thank you!',
      subject: 'Receipt: {amount}',
      email: ['We received your payment. Thank you!', 'Amount: {amount}', 'Posted on: {paidOn}'],
      inboxTitle: 'Payment received',
      inboxBody: 'We received your payment of {amount} on {paidOn}.',
    },
  },
  overdue_1: overdue(),
  overdue_3: overdue(),
  overdue_7: overdue(),
  overdue_15: overdue(),
  overdue_30: overdue(),
  plan_paid_off: {
    'zh-CN': {
      sms: '您在{merchant}的分期已全部还清，感谢您的信任。',
      subject: '分期已还清',
      email: ['您在{merchant}的分期已全部还清。', '感谢您的信任。'],
      inboxTitle: '分期已还清',
      inboxBody: '您在{merchant}的分期已全部还清。',
    },
    en: {
      sms: 'Your installment plan with {merchant} is fully paid off. Thank you!',
      subject: 'Plan paid off',
      email: ['Your installment plan with {merchant} is fully paid off.', 'Thank you for your trust.'],
      inboxTitle: 'Plan paid off',
      inboxBody: 'Your installment plan with {merchant} is fully paid off.',
    },
  },
  credit_line_changed: {
    'zh-CN': {
      sms: '您的额度已由{oldLimit}调整为{newLimit}。',
      subject: '额度调整通知',
      email: ['您的额度已调整。', '调整前：{oldLimit}', '调整后：{newLimit}'],
      inboxTitle: '额度已调整',
      inboxBody: '您的额度已由{oldLimit}调整为{newLimit}。',
    },
    en: {
      sms: 'Your credit line has changed from {oldLimit} to {newLimit}.',
      subject: 'Your credit line has changed',
      email: ['Your credit line has changed.', 'Before: {oldLimit}', 'Now: {newLimit}'],
      inboxTitle: 'Credit line changed',
      inboxBody: 'Your credit line has changed from {oldLimit} to {newLimit}.',
    },
  },
  repayment_entrance_changed: {
    'zh-CN': {
      sms: '重要：自{effective}起还款入口变更为{entrance}，账单和还款日不变。可直接用此链接还款：{link}',
      subject: '重要：还款入口变更',
      email: ['自{effective}起，还款入口变更为：{entrance}。', '您的账单、应还金额和还款日都不变，逾期规则也不变。', '无论入口如何调整，您都可以随时通过下方链接直接还款：', '{link}'],
      inboxTitle: '还款入口变更',
      inboxBody: '自{effective}起还款入口变更为{entrance}，账单和还款日不变。',
    },
    en: {
      sms: 'Important: from {effective} you repay at {entrance}; bills and due dates stay the same. Pay here: {link}',
      subject: 'Important: where you repay is changing',
      email: ['From {effective} you repay at: {entrance}.', 'Your bills, amounts and due dates stay the same, and so do the late-charge rules.', 'Wherever the entrance moves, you can always pay straight from this link:', '{link}'],
      inboxTitle: 'Where you repay is changing',
      inboxBody: 'From {effective} you repay at {entrance}; bills and due dates stay the same.',
    },
  },
  loan_transferred: {
    'zh-CN': {
      sms: '自{effective}起您的分期由{lender}出资，账单、还款日和自动扣款不变。随时可用此链接还款：{link}',
      subject: '通知：分期资金方变更，账单和还款日不变',
      email: ['自{effective}起，您的分期改由{lender}提供资金。', '不变的：账单、应还金额、还款日和已签约的自动扣款，您无需做任何操作。', '无论还款入口如何调整，您都可以随时通过下方链接直接还款：', '{link}'],
      inboxTitle: '分期资金方变更',
      inboxBody: '自{effective}起您的分期由{lender}出资，账单和还款日都不变。',
    },
    en: {
      sms: 'From {effective} {lender} funds your installments; bills and due dates stay the same. Pay: {link}',
      subject: 'Your installments have a new funder; bills and due dates stay the same',
      email: ['From {effective} your installments are funded by {lender}.', 'What stays the same: your bills, amounts, due dates and any auto-debit you signed. You need to do nothing.', 'Wherever the places to pay move, you can always pay straight from this link:', '{link}'],
      inboxTitle: 'New funder for your installments',
      inboxBody: 'From {effective} your installments are funded by {lender}; bills and due dates stay the same.',
    },
  },
  due_date_protected: {
    'zh-CN': {
      sms: '因平台原因，您{dueDate}账单中受影响的分期顺延至{newDue}还款，免逾期费用、不影响征信。还款：{link}',
      subject: '还款日顺延至{newDue}：不收逾期费用',
      email: ['由于平台原因，您可能无法按时还款。', '您{dueDate}到期的账单中，受影响的分期还款日已顺延至{newDue}：在此之前这些分期不收取任何逾期费用，也不会报送逾期记录。账单中如有未受影响的分期，仍按原还款日还款。', '可以通过下方链接直接还款：', '{link}'],
      inboxTitle: '还款日已顺延',
      inboxBody: '您{dueDate}到期账单中受影响的分期已顺延至{newDue}还款，不收逾期费用，不影响征信。',
    },
    en: {
      sms: 'Due to a problem on our side, part of your bill due {dueDate} is now due {newDue}, with no late charges. Pay: {link}',
      subject: 'Your due date is extended to {newDue}: no late charges',
      email: ['Because of a problem on our side you may not have been able to pay on time.', 'The affected installments of your bill due {dueDate} are now due {newDue}: until then they carry no late charges and nothing overdue is reported. Any installment of the bill not affected keeps its due date.', 'You can pay straight from this link:', '{link}'],
      inboxTitle: 'Due date extended',
      inboxBody: 'The affected part of your bill due {dueDate} is now due {newDue}: no late charges, no overdue record.',
    },
  },
  repayment_link: {
    'zh-CN': {
      sms: '您申请的还款链接：{link}，{validUntil}前有效。',
      subject: '您的还款链接',
      email: ['这是您申请的新还款链接：', '{link}'],
      inboxTitle: '新的还款链接',
      inboxBody: '已发送新的还款链接。',
    },
    en: {
      sms: 'Your new repayment link: {link} (valid until {validUntil}).',
      subject: 'Your repayment link',
      email: ['Here is the new repayment link you asked for:', '{link}'],
      inboxTitle: 'New repayment link',
      inboxBody: 'A new repayment link was sent.',
    },
  },
};

const EMAIL_GREETING: Record<Locale, string> = { 'zh-CN': '您好，', en: 'Hello,' };
const LINK_NOTE: Record<Locale, string> = {
  'zh-CN': '链接{validUntil}前有效。链接失效后打开它，可以申请新链接；也可以登录{brand}还款。',
  en: 'The link is valid until {validUntil}. If it has expired, open it to ask for a new one, or log in to {brand} to pay.',
};
const EMAIL_FOOTER: Record<Locale, string> = {
  'zh-CN': '此邮件由{brand}自动发送，请勿直接回复。{brand}不会通过邮件索要验证码或密码。',
  en: 'This email was sent automatically by {brand}; please do not reply. {brand} never asks for codes or passwords by email.',
};

/** Facts formatted for one locale, under the names the templates use. */
export function noticeParams(facts: NoticeFacts, locale: Locale, brand: string): Record<string, string> {
  const p: Record<string, string> = { brand };
  if (facts.amountFen !== undefined) p.amount = formatAmount(facts.amountFen, locale);
  if (facts.dueDate) p.dueDate = formatDate(facts.dueDate, locale);
  if (facts.lateChargesFen !== undefined) p.charges = formatAmount(facts.lateChargesFen, locale);
  if (facts.daysOverdue !== undefined) p.overdueFor = formatDays(facts.daysOverdue, locale);
  if (facts.paidOn) p.paidOn = formatDate(facts.paidOn, locale);
  if (facts.merchantName !== undefined) p.merchant = facts.merchantName;
  if (facts.oldLimitFen !== undefined) p.oldLimit = formatAmount(facts.oldLimitFen, locale);
  if (facts.newLimitFen !== undefined) p.newLimit = formatAmount(facts.newLimitFen, locale);
  if (facts.entrance !== undefined) p.entrance = facts.entrance;
  if (facts.effectiveDate) p.effective = formatDate(facts.effectiveDate, locale);
  if (facts.lender !== undefined) p.lender = facts.lender;
  if (facts.newDueDate) p.newDue = formatDate(facts.newDueDate, locale);
  if (facts.link !== undefined) p.link = facts.link;
  if (facts.linkExpiresOn) p.validUntil = formatDate(facts.linkExpiresOn, locale);
  return p;
}

const PLACEHOLDER = /\{([a-zA-Z]+)\}/g;

/** Names in a template, in order of first appearance. */
export function placeholdersOf(template: string): string[] {
  const names: string[] = [];
  for (const m of template.matchAll(PLACEHOLDER)) if (!names.includes(m[1]!)) names.push(m[1]!);
  return names;
}

/** A missing fact is a bug in the caller (the content loader), never a customer-visible "{amount}". */
export function fill(template: string, params: Readonly<Record<string, string>>): string {
  return template.replace(PLACEHOLDER, (_m, name: string) => {
    const value = params[name];
    invariant(value !== undefined, `notice template needs {${name}}`);
    return value;
  });
}

export interface RenderedSms {
  text: string;
  /** The values for the provider template, by name (Aliyun TemplateParam). */
  params: Record<string, string>;
  /** The same values' names in order of appearance (Tencent TemplateParamSet). */
  paramOrder: string[];
}

export function renderSms(kind: NoticeKind, locale: Locale, facts: NoticeFacts, brand: string): RenderedSms {
  const template = NOTICE_WORDS[kind][locale].sms;
  const all = noticeParams(facts, locale, brand);
  const paramOrder = placeholdersOf(template);
  const text = fill(template, all);
  return { text, params: Object.fromEntries(paramOrder.map((n) => [n, all[n]!])), paramOrder };
}

/** The text to register with a provider: Aliyun wants ${name}, Tencent {1}, {2}… */
export function smsTemplateText(kind: NoticeKind, locale: Locale, style: 'aliyun' | 'tencent'): string {
  const template = NOTICE_WORDS[kind][locale].sms;
  const order = placeholdersOf(template);
  return template.replace(PLACEHOLDER, (_m, name: string) => (style === 'aliyun' ? `\${${name}}` : `{${order.indexOf(name) + 1}}`));
}

export interface RenderedEmail { subject: string; text: string; html: string }

export function renderEmail(kind: NoticeKind, locale: Locale, facts: NoticeFacts, brand: string): RenderedEmail {
  const words = NOTICE_WORDS[kind][locale];
  const params = noticeParams(facts, locale, brand);
  const lines = [EMAIL_GREETING[locale], ...words.email];
  if (words.email.includes('{link}')) lines.push(LINK_NOTE[locale]);
  const body = lines.map((l) => fill(l, params));
  const footer = fill(EMAIL_FOOTER[locale], params);
  const text = `${body.join('\n')}\n\n--\n${footer}\n`;
  const html = emailHtml(body, footer, locale, params.link);
  return { subject: fill(words.subject, params), text, html };
}

export interface RenderedInbox { title: string; body: string }

export function renderInbox(kind: NoticeKind, locale: Locale, facts: NoticeFacts, brand: string): RenderedInbox {
  const words = NOTICE_WORDS[kind][locale];
  const params = noticeParams(facts, locale, brand);
  return { title: fill(words.inboxTitle, params), body: fill(words.inboxBody, params) };
}

const PAY_BUTTON: Record<Locale, string> = { 'zh-CN': '立即还款', en: 'Pay now' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function emailHtml(body: string[], footer: string, locale: Locale, link: string | undefined, button = PAY_BUTTON[locale]): string {
  const paragraphs = body.map((line) => {
    if (link !== undefined && line === link) {
      const href = escapeHtml(link);
      return `<p><a href="${href}" style="display:inline-block;padding:10px 20px;background:#d9363e;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(button)}</a></p>\n<p style="font-size:12px;color:#666">${href}</p>`;
    }
    return `<p>${escapeHtml(line)}</p>`;
  });
  return `<!doctype html>\n<html lang="${locale}"><head><meta charset="utf-8"></head><body style="font-family:sans-serif;line-height:1.6">\n${paragraphs.join('\n')}\n<hr><p style="font-size:12px;color:#999">${escapeHtml(footer)}</p>\n</body></html>\n`;
}

const VERIFY_BUTTON: Record<Locale, string> = { 'zh-CN': '验证邮箱', en: 'Verify email' };
const VERIFY_WORDS: Record<Locale, { subject: string; lines: string[] }> = {
  'zh-CN': {
    subject: '请验证您的邮箱',
    lines: ['您在{brand}设置了接收通知的邮箱。请点击下方链接完成验证：', '{link}', '链接{validUntil}前有效。验证之前，我们不会向这个邮箱发送账单和还款提醒。如果不是您本人操作，请忽略此邮件。'],
  },
  en: {
    subject: 'Please verify your email address',
    lines: ['You set this address to receive notices from {brand}. Open this link to verify it:', '{link}', 'The link is valid until {validUntil}. Until then we send no bills or reminders here. If this was not you, ignore this email.'],
  },
};

/** The email that verifies an address before any bill or reminder is sent to it. */
export function renderEmailVerification(locale: Locale, link: string, validUntil: BusinessDate, brand: string): RenderedEmail {
  const params = { ...noticeParams({ link, linkExpiresOn: validUntil }, locale, brand) };
  const words = VERIFY_WORDS[locale];
  const body = [EMAIL_GREETING[locale], ...words.lines].map((l) => fill(l, params));
  const footer = fill(EMAIL_FOOTER[locale], params);
  return { subject: words.subject, text: `${body.join('\n')}\n\n--\n${footer}\n`, html: emailHtml(body, footer, locale, link, VERIFY_BUTTON[locale]) };
}
