import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NOTICE_KINDS, LOCALES } from '../../src/core/notices/kinds.ts';
import { formatAmount, formatDate, formatDays, localeFromAcceptLanguage } from '../../src/core/notices/format.ts';
import { renderEmail, renderEmailVerification, renderInbox, renderSms, smsTemplateText, type NoticeFacts } from '../../src/core/notices/templates.ts';
import { smsLength, withSignature } from '../../src/core/notices/sms-length.ts';

const LINK = 'https://fq.example.cn/r/AQGZAAAAAAAAcAAAAAAAAAEAAE9zaLZqAADjv7jzJUOiGjE'; // 44-character token, as signed
const bill: NoticeFacts = { amountFen: 153_600, dueDate: '2026-02-10', link: LINK, linkExpiresOn: '2026-02-14' };

describe('amounts and dates per locale', () => {
  it('formats amounts, dates and day counts', () => {
    assert.equal(formatAmount(153_600, 'zh-CN'), '1,536.00元');
    assert.equal(formatAmount(153_600, 'en'), '¥1,536.00');
    assert.equal(formatAmount(5, 'zh-CN'), '0.05元');
    assert.equal(formatAmount(123_456_789, 'en'), '¥1,234,567.89');
    assert.equal(formatDate('2026-02-10', 'zh-CN'), '2026年2月10日');
    assert.equal(formatDate('2026-02-10', 'en'), '10 Feb 2026');
    assert.equal(formatDate('2028-12-31', 'en'), '31 Dec 2028');
    assert.deepEqual([formatDays(1, 'en'), formatDays(3, 'en'), formatDays(3, 'zh-CN')], ['1 day', '3 days', '3天']);
  });

  it('picks the page language from Accept-Language', () => {
    assert.equal(localeFromAcceptLanguage(undefined), 'zh-CN');
    assert.equal(localeFromAcceptLanguage('en-US,en;q=0.9'), 'en');
    assert.equal(localeFromAcceptLanguage('zh-TW,zh;q=0.9,en;q=0.8'), 'zh-CN');
    assert.equal(localeFromAcceptLanguage('fr-FR,en;q=0.5,zh;q=0.4'), 'en');
    assert.equal(localeFromAcceptLanguage('de'), 'zh-CN');
  });
});

describe('SMS texts, exact', () => {
  it('due in 3 days / tomorrow / today', () => {
    assert.equal(renderSms('due_in_3_days', 'zh-CN', bill, '分期').text, `您有一笔账单1,536.00元将于2026年2月10日到期，请按时还款：${LINK}`);
    assert.equal(renderSms('due_in_3_days', 'en', bill, 'Fenqi').text, `Reminder: ¥1,536.00 is due on 10 Feb 2026. Pay here: ${LINK}`);
    assert.equal(renderSms('due_tomorrow', 'zh-CN', bill, '分期').text, `您的账单1,536.00元明天（2026年2月10日）到期，请按时还款：${LINK}`);
    assert.equal(renderSms('due_tomorrow', 'en', bill, 'Fenqi').text, `Your bill of ¥1,536.00 is due tomorrow (10 Feb 2026). Pay here: ${LINK}`);
    assert.equal(renderSms('due_today', 'zh-CN', bill, '分期').text, `您的账单1,536.00元今天（2026年2月10日）到期，请今日还款：${LINK}`);
  });

  it('overdue with the late charges so far, and the provider params', () => {
    const facts = { ...bill, amountFen: 154_368, lateChargesFen: 768, daysOverdue: 3 };
    const zh = renderSms('overdue_3', 'zh-CN', facts, '分期');
    assert.equal(zh.text, `您2026年2月10日到期的账单已逾期3天，应还1,543.68元，含逾期费用7.68元。请尽快还款：${LINK}`);
    assert.deepEqual(zh.paramOrder, ['dueDate', 'overdueFor', 'amount', 'charges', 'link']);
    assert.deepEqual(zh.params, { dueDate: '2026年2月10日', overdueFor: '3天', amount: '1,543.68元', charges: '7.68元', link: LINK });
    assert.equal(renderSms('overdue_1', 'en', { ...facts, daysOverdue: 1 }, 'Fenqi').text,
      `Your bill due 10 Feb 2026 is 1 day overdue: ¥1,543.68 to pay, incl. ¥7.68 late charges. Pay now: ${LINK}`);
  });

  it('receipts, payoff, limits and the entrance change', () => {
    assert.equal(renderSms('payment_received', 'zh-CN', { amountFen: 53_600, paidOn: '2026-02-09' }, '分期').text, '已收到您的还款536.00元（2026年2月9日），感谢！');
    assert.equal(renderSms('payment_received', 'en', { amountFen: 53_600, paidOn: '2026-02-09' }, 'Fenqi').text, 'We received your payment of ¥536.00 on 9 Feb 2026. Thank you!');
    assert.equal(renderSms('plan_paid_off', 'zh-CN', { merchantName: '测试商城' }, '分期').text, '您在测试商城的分期已全部还清，感谢您的信任。');
    assert.equal(renderSms('credit_line_changed', 'en', { oldLimitFen: 2_000_000, newLimitFen: 3_000_000 }, 'Fenqi').text, 'Your credit line has changed from ¥20,000.00 to ¥30,000.00.');
    assert.equal(renderSms('repayment_entrance_changed', 'zh-CN', { entrance: '分期还款页', effectiveDate: '2026-03-01', link: LINK }, '分期').text,
      `重要：自2026年3月1日起还款入口变更为分期还款页，账单和还款日不变。可直接用此链接还款：${LINK}`);
  });

  it('a portfolio transfer and a protected due date, each with the link', () => {
    assert.equal(renderSms('loan_transferred', 'zh-CN', { lender: '乙银行', effectiveDate: '2026-06-15', link: LINK }, '分期').text,
      `自2026年6月15日起您的分期由乙银行出资，账单、还款日和自动扣款不变。随时可用此链接还款：${LINK}`);
    assert.equal(renderSms('due_date_protected', 'en', { dueDate: '2026-02-10', newDueDate: '2026-02-21', link: LINK }, 'Fenqi').text,
      `Due to a problem on our side, part of your bill due 10 Feb 2026 is now due 21 Feb 2026, with no late charges. Pay: ${LINK}`);
    assert.deepEqual(renderInbox('due_date_protected', 'zh-CN', { dueDate: '2026-02-10', newDueDate: '2026-02-21' }, '分期'),
      { title: '还款日已顺延', body: '您2026年2月10日到期账单中受影响的分期已顺延至2026年2月21日还款，不收逾期费用，不影响征信。' });
  });

  it('gives the text to register with each provider', () => {
    assert.equal(smsTemplateText('due_tomorrow', 'zh-CN', 'aliyun'), '您的账单${amount}明天（${dueDate}）到期，请按时还款：${link}');
    assert.equal(smsTemplateText('due_tomorrow', 'zh-CN', 'tencent'), '您的账单{1}明天（{2}）到期，请按时还款：{3}');
  });

  it('refuses to render with a fact missing rather than send "{amount}"', () => {
    assert.throws(() => renderSms('due_today', 'zh-CN', { dueDate: '2026-02-10', link: LINK }, '分期'), /needs \{amount\}/);
  });

  it('keeps every kind within 2 billed parts in Chinese (3 in English), signature included, at ¥99,999.99', () => {
    const worst: NoticeFacts = {
      amountFen: 9_999_999, dueDate: '2026-12-31', lateChargesFen: 999_999, daysOverdue: 30, paidOn: '2026-12-31', merchantName: '某某某某数码旗舰店',
      oldLimitFen: 99_999_999, newLimitFen: 99_999_999, entrance: '某某某某某某还款中心', effectiveDate: '2026-12-31', link: LINK, linkExpiresOn: '2026-12-31',
      lender: '某某某某某某消费金融有限公司', newDueDate: '2026-12-31',
    };
    for (const kind of NOTICE_KINDS) {
      for (const locale of LOCALES) {
        const text = withSignature(renderSms(kind, locale, worst, locale === 'en' ? 'Fenqi' : '分期').text, '分期');
        const length = smsLength(text, 'cn');
        assert.ok(length.segments <= (locale === 'en' ? 3 : 2), `${kind}.${locale}: ${length.units} characters, ${length.segments} parts`);
      }
    }
  });
});

describe('email and inbox texts, exact', () => {
  it('bill ready, in Chinese', () => {
    const mail = renderEmail('bill_ready', 'zh-CN', bill, '分期');
    assert.equal(mail.subject, '账单已出：应还1,536.00元，2026年2月10日到期');
    assert.equal(mail.text, [
      '您好，', '您本期的账单已出。', '应还金额：1,536.00元', '最后还款日：2026年2月10日', '点击下方链接即可直接还款，无需寻找还款入口：', LINK,
      '链接2026年2月14日前有效。链接失效后打开它，可以申请新链接；也可以登录分期还款。', '', '--',
      '此邮件由分期自动发送，请勿直接回复。分期不会通过邮件索要验证码或密码。', '',
    ].join('\n'));
    assert.match(mail.html, /<a href="https:\/\/fq\.example\.cn\/r\/AQGZ[^"]+"[^>]*>立即还款<\/a>/);
    assert.match(mail.html, /<html lang="zh-CN">/);
  });

  it('due tomorrow, in English', () => {
    const mail = renderEmail('due_tomorrow', 'en', bill, 'Fenqi');
    assert.equal(mail.subject, 'Due tomorrow: ¥1,536.00');
    assert.equal(mail.text, [
      'Hello,', 'Your bill is due tomorrow (10 Feb 2026).', 'Amount due: ¥1,536.00', 'Pay straight from this link:', LINK,
      'The link is valid until 14 Feb 2026. If it has expired, open it to ask for a new one, or log in to Fenqi to pay.', '', '--',
      'This email was sent automatically by Fenqi; please do not reply. Fenqi never asks for codes or passwords by email.', '',
    ].join('\n'));
  });

  it('escapes what it puts in HTML', () => {
    const mail = renderEmail('plan_paid_off', 'en', { merchantName: '<b>Shop & Co</b>' }, 'Fenqi');
    assert.match(mail.html, /&lt;b&gt;Shop &amp; Co&lt;\/b&gt;/);
    assert.doesNotMatch(mail.html, /<b>Shop/);
  });

  it('inbox copies carry no link', () => {
    assert.deepEqual(renderInbox('due_today', 'zh-CN', bill, '分期'), { title: '今天到期', body: '应还1,536.00元，今天（2026年2月10日）到期。' });
    assert.deepEqual(renderInbox('overdue_7', 'en', { ...bill, lateChargesFen: 1_792, daysOverdue: 7 }, 'Fenqi'),
      { title: 'Bill 7 days overdue', body: 'Your bill due 10 Feb 2026: ¥1,536.00 to pay, including ¥17.92 in late charges.' });
  });

  it('email verification', () => {
    const mail = renderEmailVerification('zh-CN', LINK, '2026-02-09', '分期');
    assert.equal(mail.subject, '请验证您的邮箱');
    assert.match(mail.text, /^您好，\n您在分期设置了接收通知的邮箱。请点击下方链接完成验证：\n/);
    assert.match(mail.html, />验证邮箱<\/a>/);
  });
});
