import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { html, unsafeRaw } from '../../src/web/html.ts';
import { date, dateTime, money } from '../../src/web/i18n/format.ts';
import { messages } from '../../src/web/i18n/messages.ts';
import { pickLocale } from '../../src/web/i18n/locale.ts';
import { homePage } from '../../src/web/portal/pages/home.ts';
import { paymentStatusPage } from '../../src/web/portal/pages/repay.ts';
import type { View } from '../../src/web/portal/layout.ts';
import type { Bill, CreditLine, CurrentBill, GatewayPayment } from '../../src/web/api-client.ts';

/** Pages and formats rendered from hand-made API answers: states the seeded suites do not reach. */
const view = (locale: 'zh-CN' | 'en'): View => ({ locale, m: messages(locale), switchHref: '/portal?lang=en', cssHref: '/assets/portal.test.css' });
const line: CreditLine = { total: '20000.00', used: '4500.00', available: '15500.00', frozen: false, frozenReason: null, creditBalance: '0.00' };
const bill = (over: Partial<Bill>): Bill => ({
  statementDate: '2026-02-01', dueDate: '2026-02-10', status: 'open', total: '1500.00', paid: '0.00', waived: '0.00', outstanding: '1500.00',
  daysUntilDue: 2, daysPastDue: 0, lateChargesSoFar: '0.00', items: [], ...over,
});
const text = (h: { text: string }) => h.text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('portal formats', () => {
  it('shows money as ¥ with thousands, exactly', () => {
    assert.deepEqual(['0', '5.5', '1234.56', '1000000', '-12.00', '99999999999.99'].map(money), ['¥0.00', '¥5.50', '¥1,234.56', '¥1,000,000.00', '-¥12.00', '¥99,999,999,999.99']);
  });
  it('shows dates and times for the locale, times in Beijing', () => {
    assert.deepEqual([date('zh-CN', '2026-02-10'), date('en', '2026-02-10')], ['2026年2月10日', '10 Feb 2026']);
    assert.equal(dateTime('zh-CN', '2026-02-08T02:00:00.000Z'), '2026年2月8日 10:00');
    assert.equal(dateTime('en', '2026-02-08T17:30:00.000Z'), '9 Feb 2026, 01:30');
  });
  it('picks the language: ?lang, then the cookie, then Chinese', () => {
    assert.deepEqual(pickLocale(undefined, undefined), { locale: 'zh-CN', remember: false });
    assert.deepEqual(pickLocale('en', undefined), { locale: 'en', remember: true });
    assert.deepEqual(pickLocale('en-US', 'en'), { locale: 'en', remember: false });
    assert.deepEqual(pickLocale(undefined, 'en'), { locale: 'en', remember: false });
    assert.deepEqual(pickLocale('fr', 'en'), { locale: 'en', remember: false });
  });
  it('escapes everything interpolated unless it is already markup', () => {
    const name = `<img src=x onerror="alert('x')">&`;
    assert.equal(html`<p title="${name}">${name}</p>`.text, '<p title="&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;">&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;</p>');
    assert.equal(html`<ul>${['a<', 'b'].map((s) => html`<li>${s}</li>`)}</ul>`.text, '<ul><li>a&lt;</li><li>b</li></ul>');
    assert.equal(html`${unsafeRaw('<br>')}${null}${undefined}${false}${0}`.text, '<br>0');
  });
  it('has every word in both languages', () => {
    const zh = messages('zh-CN') as Record<string, unknown>;
    const en = messages('en') as Record<string, unknown>;
    assert.deepEqual(Object.keys(en).sort(), Object.keys(zh).sort());
    for (const [key, value] of Object.entries(zh)) {
      if (typeof value === 'object') assert.deepEqual(Object.keys(en[key] as object).sort(), Object.keys(value as object).sort(), key);
      if (typeof value === 'function') assert.equal((en[key] as Function).length, (value as Function).length, key);
    }
  });
});

describe('home page states', () => {
  it('puts an overdue amount first, in red, with the late charges so far', () => {
    const current: CurrentBill = {
      asOf: '2026-02-08', bill: bill({}),
      pastDue: { outstanding: '1512.34', lateChargesSoFar: '12.34', daysPastDue: 29, bills: [bill({ dueDate: '2026-01-10', status: 'overdue', daysUntilDue: null, daysPastDue: 29, lateChargesSoFar: '12.34', outstanding: '1512.34' })] },
      totalToPay: '3012.34',
    };
    const zh = homePage(view('zh-CN'), current, line).text;
    assert.match(zh, /<p class="alert danger" role="alert">已逾期 29 天 · 已产生逾期费用 ¥12\.34<\/p>/);
    assert.match(zh, /<p class="big danger" data-testid="total-to-pay">¥3,012\.34<\/p>/);
    assert.match(zh, /含以前逾期未还 ¥1,512\.34/);
    assert.match(zh, /<a class="btn danger" href="\/portal\/pay">立即还款<\/a>/);
    assert.match(text(homePage(view('en'), current, line)), /29 days overdue · Late charges so far: ¥12\.34/);
  });
  it('says a bill in its grace period costs nothing extra if paid now', () => {
    const current: CurrentBill = { asOf: '2026-02-12', bill: bill({ status: 'in_grace', daysUntilDue: null, daysPastDue: 2 }), pastDue: { outstanding: '0.00', lateChargesSoFar: '0.00', daysPastDue: 0, bills: [] }, totalToPay: '1500.00' };
    assert.match(text(homePage(view('zh-CN'), current, line)), /已过还款日 2 天，仍在宽限期内：现在还清不收任何费用/);
  });
  it('counts down to the due date, and says when it is today', () => {
    const current = (days: number, status = 'open'): CurrentBill => ({ asOf: '2026-02-08', bill: bill({ daysUntilDue: days, status }), pastDue: { outstanding: '0.00', lateChargesSoFar: '0.00', daysPastDue: 0, bills: [] }, totalToPay: '1500.00' });
    assert.match(text(homePage(view('zh-CN'), current(2), line)), /还款日 2026年2月10日 · 还剩 2 天/);
    assert.match(text(homePage(view('zh-CN'), current(0, 'due'), line)), /今天是还款日/);
    assert.match(text(homePage(view('en'), current(1), line)), /Due 10 Feb 2026 · 1 day left/);
  });
  it('shows a frozen credit line and a credit balance', () => {
    const current: CurrentBill = { asOf: '2026-02-08', bill: null, pastDue: { outstanding: '0.00', lateChargesSoFar: '0.00', daysPastDue: 0, bills: [] }, totalToPay: '0.00' };
    const page = text(homePage(view('zh-CN'), current, { ...line, frozen: true, frozenReason: '风险复核中', creditBalance: '12.50' }));
    assert.match(page, /额度已冻结：风险复核中/);
    assert.match(page, /溢缴款 ¥12\.50/);
    assert.match(page, /当前无待还/);
  });
});

describe('a gateway payment page', () => {
  const payment = (status: GatewayPayment['status']): GatewayPayment => ({
    id: '0192f0c8-5c2a-7000-8000-000000000009', status, gateway: 'sandbox', kind: 'bill', amount: '1536.00',
    pay: status === 'processing' ? { kind: 'redirect', url: '/sandbox/cashier/abc?t=1' } : null, repaymentId: null, failureReason: null,
    createdAt: '2026-02-08T02:00:00.000Z', settledAt: null,
  });
  it('says processing (处理中), never unpaid, and reloads itself without a script', () => {
    const page = paymentStatusPage(view('zh-CN'), payment('processing'), { cashier: '/sandbox/cashier/abc?t=1', checks: 1 }).text;
    assert.match(page, /<meta http-equiv="refresh" content="2;url=\/portal\/pay\/payments\/0192f0c8-5c2a-7000-8000-000000000009\?n=2">/);
    const later = paymentStatusPage(view('zh-CN'), payment('processing'), { cashier: null, checks: 9 }).text;
    assert.match(later, /content="60;url=[^"]+\?n=10"/, 'checks slow down to once a minute');
    assert.match(page, /<h1>处理中<\/h1>/);
    assert.match(page, /请勿重复付款/);
    assert.match(page, /href="\/sandbox\/cashier\/abc\?t=1" target="_blank" rel="noopener"/);
    assert.doesNotMatch(page, /<script/);
  });
  it('says a failed or expired payment took nothing, and offers to try again', () => {
    assert.match(text(paymentStatusPage(view('zh-CN'), payment('failed'), { cashier: null, checks: 1 })), /支付没有成功，未扣款。/);
    assert.match(text(paymentStatusPage(view('en'), payment('expired'), { cashier: null, checks: 1 })), /The payment expired; nothing was taken\. .*Try again/);
  });
});
