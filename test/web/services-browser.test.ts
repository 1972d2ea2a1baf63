import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { seedTestStore, sessionFor } from '../support/store.ts';
import { createApiKey } from '../../src/app/admin/create-api-key.ts';
import { closeThrough } from '../../src/app/close/close-through.ts';
import { DEFAULT_CLOSE_SETTINGS } from '../../src/core/close/close-settings.ts';
import { putInboxMessage } from '../../src/adapters/notify/inbox/inbox-store.ts';
import { assertNoSideScroll, buy, DESKTOP, fullPageShot, NO_BROWSER, MOBILE, screenshotDir, serveInChromium, staffSignIn } from './support.ts';

/**
 * The portal's service pages on a 375-px phone and the operator dashboard on a phone and a
 * desktop, in headless Chromium against the real server on PGlite. A small book: plans
 * bought from October to January, some paid, some not, the last ten days closed by the
 * daily close, so every chart has something to draw.
 */
describe('service pages and the operator dashboard in Chromium', { skip: NO_BROWSER }, () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let phone: BrowserContext;
  let page: Page;
  let operatorKey: string;
  let auditorKey: string;
  let planA: { id: string; customerId: string };
  const shots = screenshotDir();
  const shot = (name: string, p: Page = page) => fullPageShot(p, shots, name);
  const noSideScroll = (p: Page = page) => assertNoSideScroll(p);
  const text = (p: Page = page) => p.locator('main').innerText();

  before(async () => {
    t = await startTestApp(testDatabases()[0]!, {}, '2025-10-08');
    const store = await seedTestStore(t);
    const book: [string, string, string, string, string][] = [
      ['2025-10-08', '13900139101', 'ei-12', '3600.00', 'Redmi K80'], ['2025-10-08', '13900139102', 'free-3', '1500.00', 'Mi Band 9'],
      ['2025-11-06', '13900139103', 'fee-12', '4800.00', 'Xiaomi 14T'], ['2025-11-06', '13900139104', 'ep-6', '2400.00', 'Redmi Pad SE'],
      ['2025-12-04', '13900139105', 'free-3', '4500.00', 'Xiaomi Book Pro 14'], ['2025-12-04', '13900139106', 'ei-12', '6000.00', 'Xiaomi TV S85'],
    ];
    for (const [day, phoneNo, product, amount, item] of book) {
      await t.setBusinessDate(day);
      await buy(t, store, phoneNo, product, amount, `B-${phoneNo}`, item);
    }
    await t.setBusinessDate('2026-01-05');
    planA = await buy(t, store, '13800138000', 'fee-12', '6000.00', 'A-1', 'Xiaomi 15 Pro 16GB+512GB');
    await t.setBusinessDate('2026-01-29');
    // The first two customers pay something before the close runs; the others do not.
    for (const phoneNo of ['13900139101', '13900139102']) {
      const c = await t.deps.db.selectFrom('plans').innerJoin('merchant_orders', 'merchant_orders.plan_id', 'plans.id')
        .select(['plans.customer_id']).where('merchant_orders.merchant_order_id', '=', `B-${phoneNo}`).executeTakeFirstOrThrow();
      const token = await sessionFor(t, c.customer_id);
      const r = await t.api('POST', '/v1/me/repayments', { token, key: `pay-${phoneNo}`, body: { kind: 'amount', amount: '900.00' } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    await closeThrough(t.deps, '2026-02-07', { workers: 1, partitions: 2, pageSize: 50, chargePageSize: 50, leaseSeconds: 30, settings: DEFAULT_CLOSE_SETTINGS });
    t.clock.set(new Date('2026-02-08T02:00:00Z'));
    const tokenA = await sessionFor(t, planA.customerId);
    await putInboxMessage(t.deps.db, {
      customerId: planA.customerId, id: t.deps.ids.next(), noticeId: null, kind: 'reminder', title: '账单提醒：2月10日应还 ¥536.00',
      body: '您本期账单 ¥536.00 将于 2026年2月10日 到期，请按时还款。', actionPath: '/portal/pay?dueDate=2026-02-10', at: t.clock.now(),
    });
    operatorKey = (await t.run((ctx) => createApiKey(ctx, { role: 'operator', name: 'ops' }))).token;
    auditorKey = (await t.run((ctx) => createApiKey(ctx, { role: 'auditor', name: 'audit' }))).token;
    const serves = { partnerIds: [], productIds: [], merchantIds: [] };
    for (const e of [
      { code: 'store-app', kind: 'store_app', name: '小米商城 App', url: 'https://store.example/pay/{planId}', status: 'open', priority: 10, serves },
      { code: 'fenqi', kind: 'fenqi_portal', name: '分期还款页', url: 'https://fenqi.example/portal/plans/{planId}', status: 'open', priority: 100, serves },
    ]) assert.equal((await t.api('POST', '/v1/admin/entrances', { token: operatorKey, body: e })).status, 201);
    t.clock.set(new Date('2026-02-08T02:01:00Z'));
    assert.equal((await t.api('POST', '/v1/admin/entrances/store-app/status', { token: operatorKey, body: { status: 'closed', reason: 'store app retired' } })).status, 200);
    t.clock.set(new Date('2026-02-08T02:02:00Z'));

    ({ base, browser } = await serveInChromium(t));
    phone = await browser.newContext(MOBILE);
    await phone.addCookies([{ name: 'fq_session', value: tokenA, url: `${base}/portal` }]);
    page = await phone.newPage();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('home says the usual entrance is closed and where to pay now is one tap away', async () => {
    await page.goto(`${base}/portal`);
    const banner = page.getByTestId('entrance-moved');
    assert.ok(await banner.isVisible());
    await shot('portal-home-entrance-moved');
    await banner.click();
    assert.equal(new URL(page.url()).pathname, '/portal/where-to-pay');
    assert.match(await text(), /您常用的还款入口「小米商城 App」暂时不能还款/);
    assert.ok(await page.getByRole('link', { name: '就在这里还款' }).isVisible());
    await noSideScroll();
    await shot('portal-where-to-pay');
  });

  it('signs auto-debit for all plans and shows the record', async () => {
    await page.goto(`${base}/portal`);
    await page.getByRole('link', { name: '自动扣款' }).click();
    await page.getByRole('button', { name: '开通自动扣款: 全部分期' }).click();
    assert.match(await text(), /自动扣款已开通/);
    assert.ok(await page.getByRole('button', { name: '关闭自动扣款: 全部分期' }).isVisible());
    await noSideScroll();
    await shot('portal-autodebit');
  });

  it('reads a message and follows it to pay', async () => {
    await page.goto(`${base}/portal`);
    await page.getByRole('link', { name: /消息/ }).click();
    assert.match(await text(), /1 条未读/);
    await noSideScroll();
    await shot('portal-messages');
    await page.getByRole('button', { name: '标为已读' }).click();
    assert.match(await text(), /没有未读消息/);
    await page.getByRole('link', { name: '去处理 ›' }).click();
    assert.equal(new URL(page.url()).pathname, '/portal/pay');
  });

  it('opens the help centre answers without any script', async () => {
    await page.goto(`${base}/portal/help`);
    await page.getByText('自动扣款失败了怎么办？').click();
    assert.ok(await page.getByText(/扣款记录里可以看到失败原因/).isVisible());
    await page.keyboard.press('Tab');
    await noSideScroll();
    await shot('portal-help');
  });

  it('shows the operator the dashboard charts on a desktop, and on a phone without sideways scrolling', async () => {
    const desk = await browser.newContext(DESKTOP);
    const d = await desk.newPage();
    await d.goto(`${base}/dashboard`);
    assert.equal(new URL(d.url()).pathname, '/dashboard/login');
    await d.getByLabel('API 密钥').fill(operatorKey);
    await d.getByRole('button', { name: '登录' }).click();
    assert.equal(new URL(d.url()).pathname, '/dashboard');
    for (const name of ['在贷本金余额', '每日回款（按构成）', '各月末逾期率（按逾期天数）', '账龄曲线（按放款月份的逾期率）', '日终批处理']) {
      const chart = d.getByRole('img', { name });
      assert.ok(await chart.isVisible(), name);
      const box = await chart.boundingBox();
      assert.ok(box && box.width > 300 && box.height > 100, `${name} is drawn (${JSON.stringify(box)})`);
    }
    await d.getByText('查看数据表').first().click();
    assert.ok(await d.getByRole('table', { name: '在贷本金余额' }).isVisible());
    await shot('dashboard-overview', d);
    await d.getByRole('link', { name: '还款入口与事件' }).click();
    await d.getByLabel('事件说明（会写入审计日志）').fill('短信还款链接错误');
    await d.getByRole('button', { name: '宣布事件' }).click();
    assert.match(await d.locator('main').innerText(), /已完成。[\s\S]*短信还款链接错误/);
    await shot('dashboard-entrances', d);
    await desk.close();

    const small = await browser.newContext({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, locale: 'zh-CN' });
    await small.addCookies([{ name: 'fq_staff', value: await staffSignIn(t, 'dashboard', auditorKey), url: `${base}/dashboard` }]);
    const s = await small.newPage();
    await s.goto(`${base}/dashboard`);
    assert.ok(await s.getByRole('img', { name: '在贷本金余额' }).isVisible());
    await noSideScroll(s);
    await shot('dashboard-phone', s);
    await s.goto(`${base}/dashboard/entrances`);
    assert.match(await s.locator('main').innerText(), /只读（审计）/);
    assert.equal(await s.getByRole('button', { name: '宣布事件' }).count(), 0);
    await small.close();
  });
});
