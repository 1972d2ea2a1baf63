import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { seedTestStore, sessionFor } from '../support/store.ts';
import { assertNoSideScroll, buy, fullPageShot, loginCode, NO_BROWSER, MOBILE, screenshotDir, serveInChromium } from './support.ts';

/**
 * The customer portal in headless Chromium on a 375-px phone screen, against the real server
 * on PGlite. Customer A bought a phone (fee-12, 6000.00: 536.00 a month) and earbuds (free-3,
 * 3000.00: 1000.00 a month) on 2026-01-05; today is 2026-02-08, so the bill of 2026-02-10
 * (1536.00) is issued with 2 days left. Customer C bought a laptop on 2025-12-01 and never
 * paid: overdue since 2026-01-10. Customer B has a plan of their own.
 */
describe('customer portal in Chromium (375 px, zh-CN)', { skip: NO_BROWSER }, () => {
  const PHONE_A = '13800138000';
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let phone: BrowserContext;
  let page: Page;
  let planA: { id: string; customerId: string };
  let planB: { id: string; customerId: string };
  let planC: { id: string; customerId: string };
  const shots = screenshotDir();
  const shot = (name: string, p: Page = page) => fullPageShot(p, shots, name);
  const text = (p: Page = page) => p.locator('main').innerText();
  const noSideScroll = (p: Page = page) => assertNoSideScroll(p);

  before(async () => {
    t = await startTestApp(testDatabases()[0]!, {}, '2025-12-01');
    const store = await seedTestStore(t);
    planC = await buy(t, store, '13900139003', 'free-3', '4500.00', 'C-1', 'Xiaomi Book Pro 14');
    await t.setBusinessDate('2026-01-05');
    planA = await buy(t, store, PHONE_A, 'fee-12', '6000.00', 'A-1', 'Xiaomi 15 Pro 16GB+512GB');
    await buy(t, store, PHONE_A, 'free-3', '3000.00', 'A-2', 'Redmi Buds 6 Pro');
    planB = await buy(t, store, '13900139002', 'ei-12', '2400.00', 'B-1', 'Xiaomi Watch S4');
    await t.setBusinessDate('2026-02-08');
    ({ base, browser } = await serveInChromium(t));
    phone = await browser.newContext(MOBILE);
    page = await phone.newPage();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('sends a logged-out visitor to the login page, in Chinese', async () => {
    await page.goto(`${base}/portal`);
    assert.equal(new URL(page.url()).pathname, '/portal/login');
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    await page.getByLabel('手机号').fill(PHONE_A);
    await shot('portal-login');
    await noSideScroll();
  });

  it('logs in with the code texted to the phone', async () => {
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByLabel('验证码').waitFor();
    assert.match(await text(), /验证码已发送/);
    await page.getByLabel('验证码').fill(loginCode(t, PHONE_A));
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`${base}/portal`);
    const cookies = await phone.cookies();
    const session = cookies.find((c) => c.name === 'fq_session');
    assert.ok(session, 'a session cookie is set');
    assert.deepEqual([session.httpOnly, session.sameSite], [true, 'Lax']);
  });

  it("shows this month's bill: amount, due date, days left, and the credit line", async () => {
    const main = await text();
    assert.match(main, /本期应还/);
    assert.equal(await page.getByTestId('total-to-pay').innerText(), '¥1,536.00');
    assert.match(main, /还款日 2026年2月10日/);
    assert.match(main, /还剩 2 天/);
    assert.match(main, /可用额度\s*¥11,000\.00/);
    assert.match(main, /总额度\s*¥20,000\.00/);
    assert.ok(await page.getByRole('link', { name: '立即还款' }).isVisible());
    await shot('portal-home');
    await noSideScroll();
  });

  it('lists the bills with the installments of each purchase', async () => {
    await page.getByRole('navigation').getByRole('link', { name: '账单' }).click();
    await page.waitForURL(`${base}/portal/bills`);
    const first = page.locator('article[data-due="2026-02-10"]');
    const card = await first.innerText();
    assert.match(card, /2026年2月10日 账单/);
    assert.match(card, /已出账/);
    assert.match(card, /Xiaomi 15 Pro 16GB\+512GB\s*第 1\/12 期\s*¥536\.00/);
    assert.match(card, /Redmi Buds 6 Pro\s*第 1\/3 期\s*¥1,000\.00/);
    assert.equal(await page.locator('[data-due]').count(), 12);
    await shot('portal-bills');
    await noSideScroll();
  });

  it('shows a plan: schedule with its parts, APR, the payoff quote and the contract', async () => {
    await page.getByRole('link', { name: 'Xiaomi 15 Pro 16GB+512GB' }).first().click();
    await page.waitForURL(`${base}/portal/plans/${planA.id}`);
    const main = await text();
    assert.match(main, /年化利率（APR）\s*13\.03%/);
    assert.match(main, /分期手续费/);
    assert.equal(await page.locator('table.schedule tbody tr').count(), 12);
    const row1 = page.locator('table.schedule tbody tr').first();
    const cell = (label: string) => row1.locator(`td[data-label="${label}"]`).innerText();
    assert.match(await row1.innerText(), /第 1\/12 期/);
    assert.deepEqual([await cell('还款日'), await cell('本金'), await cell('手续费'), await cell('已还'), await cell('状态')], ['2026年2月10日', '¥500.00', '¥36.00', '¥0.00', '未到期']);
    assert.match(main, /提前还清/);
    assert.match(main, /比按期还款少付 ¥432\.00/);
    await page.getByText('合同摘要').click();
    assert.match(await text(), /宽限期\s*3 天/);
    await shot('portal-plan');
    await noSideScroll();
  });

  it('pays the bill from home at the sandbox cashier: processing, then paid, then the receipt', async () => {
    await page.goto(`${base}/portal`);
    await page.getByRole('link', { name: '立即还款' }).click();
    await page.waitForURL(`${base}/portal/pay`);
    assert.ok(await page.getByRole('radio', { name: /本期应还/ }).isChecked());
    assert.match(await text(), /¥1,536\.00/);
    await shot('portal-pay');
    await noSideScroll();
    const amountField = page.getByLabel('金额（元）');
    assert.equal(await amountField.isVisible(), false, 'the amount field waits until "another amount" is chosen');
    await page.getByRole('radio', { name: '自定义金额' }).check();
    assert.ok(await amountField.isVisible());
    await page.getByRole('radio', { name: /本期应还/ }).check();
    await page.getByRole('button', { name: '确认还款' }).click();
    await page.waitForURL(/\/portal\/pay\/payments\//);
    assert.match(await text(), /处理中/);
    assert.equal(await page.getByTestId('payment-amount').innerText(), '¥1,536.00');
    await shot('portal-processing');
    // The cashier opens in its own tab; this page keeps checking and turns into the receipt.
    const [cashier] = await Promise.all([phone.waitForEvent('page'), page.getByRole('link', { name: '前往收银台付款' }).click()]);
    await cashier.getByRole('button', { name: /支付/ }).first().click();
    await cashier.getByText(/支付成功/).waitFor();
    await cashier.close();
    await page.waitForURL(/\/portal\/pay\/receipts\//, { timeout: 15_000 });
    assert.equal(await page.getByTestId('receipt-amount').innerText(), '¥1,536.00');
    const main = await text();
    assert.match(main, /还款成功/);
    assert.match(main, /账单还款/);
    assert.match(main, /沙箱收银台/);
    assert.match(main, /Xiaomi 15 Pro 16GB\+512GB\s*第 1 期 · 手续费\s*¥36\.00\s*第 1 期 · 本金\s*¥500\.00/);
    assert.match(main, /Redmi Buds 6 Pro[\s\S]*第 1 期 · 本金\s*¥1,000\.00/);
    await shot('portal-receipt');
    await noSideScroll();
  });

  it('then shows the bill paid, and nothing to pay on home until the next statement', async () => {
    await page.goto(`${base}/portal/bills`);
    const paid = page.locator('section', { has: page.getByRole('heading', { name: '已还账单' }) });
    const feb = paid.locator('[data-due="2026-02-10"]');
    assert.match(await feb.innerText(), /2026年2月10日\s*¥1,536\.00\s*已还清/);
    await feb.locator('summary').click();
    assert.match(await feb.innerText(), /Redmi Buds 6 Pro\s*第 1\/3 期\s*¥1,000\.00\s*已还/);
    await page.goto(`${base}/portal`);
    const main = await text();
    assert.match(main, /当前无待还/);
    assert.match(main, /下期账单 2026年3月10日 应还 ¥1,536\.00/);
  });

  it('switches to English and remembers it', async () => {
    await page.getByRole('link', { name: 'Switch to English' }).click();
    await page.waitForURL(/lang=en/);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.match(await text(), /Nothing to pay now/);
    assert.match(await text(), /Next bill: ¥1,536\.00 due 10 Mar 2026/);
    await page.goto(`${base}/portal/plans/${planA.id}`);
    assert.match(await text(), /APR\s*13\.03%/);
    assert.match(await text(), /Installment 1 of 12/);
    await shot('portal-plan-en');
    await noSideScroll();
    await page.getByRole('link', { name: '切换到中文' }).click();
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  });

  it('shows the account: masked phone, and why it cannot be cancelled while owing', async () => {
    await page.getByRole('navigation').getByRole('link', { name: '我的' }).click();
    await page.waitForURL(`${base}/portal/account`);
    assert.equal(await page.getByTestId('phone').innerText(), '138****8000');
    assert.match(await text(), /还有未还清的分期或待退的溢缴款，暂时不能注销/);
    assert.ok(await page.getByRole('button', { name: '注销账户' }).isDisabled());
    await shot('portal-account');
  });

  it("refuses another customer's plan with a 404", async () => {
    const res = await page.goto(`${base}/portal/plans/${planB.id}`);
    assert.equal(res?.status(), 404);
    assert.match(await text(), /页面不存在/);
    assert.doesNotMatch(await page.content(), /Xiaomi Watch S4/);
  });

  it('shows an overdue customer the days overdue in red, first', async () => {
    const other = await browser.newContext({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    await other.addCookies([{ name: 'fq_session', value: await sessionFor(t, planC.customerId), url: `${base}/portal` }]);
    const p = await other.newPage();
    await p.goto(`${base}/portal`);
    const alert = p.getByRole('alert');
    assert.match(await alert.innerText(), /已逾期 29 天/);
    const color = await alert.evaluate((el) => getComputedStyle(el).color);
    assert.equal(color, 'rgb(179, 38, 30)');
    assert.equal(await p.getByTestId('total-to-pay').innerText(), '¥3,000.00');
    await shot('portal-home-overdue', p);
    await noSideScroll(p);
    await p.goto(`${base}/portal/plans/${planC.id}`);
    assert.match(await p.locator('table.schedule tbody tr').first().innerText(), /已逾期/);
    await other.close();
  });

  it('works on a desktop screen too', async () => {
    const desk = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await desk.addCookies([{ name: 'fq_session', value: await sessionFor(t, planA.customerId), url: `${base}/portal` }]);
    const p = await desk.newPage();
    await p.goto(`${base}/portal/plans/${planA.id}`);
    assert.ok(await p.locator('table.schedule thead').isVisible(), 'the schedule is a real table on a wide screen');
    assert.ok(await p.getByRole('navigation').isVisible());
    await shot('portal-plan-desktop', p);
    await desk.close();
  });

  it('can be driven by keyboard alone: tab to the repay button and press Enter', async () => {
    await page.goto(`${base}/portal?lang=zh-CN`);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), '跳到正文');
    for (let i = 0; i < 12; i += 1) {
      await page.keyboard.press('Tab');
      const label = await page.evaluate(() => document.activeElement?.textContent?.trim());
      if (label === '提前还款') break;
    }
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/portal/pay`);
  });
});
