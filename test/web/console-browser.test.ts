import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { seedTestStore, sessionFor } from '../support/store.ts';
import { createApiKey } from '../../src/app/admin/create-api-key.ts';
import { buy, DESKTOP, fullPageShot, NO_BROWSER, screenshotDir, serveInChromium } from './support.ts';

/**
 * The agent's day in Chromium: a customer filed "找不到还款入口" (through the API here; the
 * whole path through the portal's help centre is service-e2e-browser.test.ts); the agent signs in, finds the customer by phone, sees the ticket on the customer's one
 * screen, texts a fresh repayment link and resolves the ticket; the customer sees it resolved.
 */
describe('the service console in Chromium', { skip: NO_BROWSER }, () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let page: Page;
  let agentKey: string;
  let customerToken: string;
  let ticketId: string;
  const shots = screenshotDir();
  const shot = (name: string) => fullPageShot(page, shots, name);

  before(async () => {
    t = await startTestApp(testDatabases()[0]!, {}, '2026-01-05');
    const store = await seedTestStore(t);
    const plan = await buy(t, store, '13800138000', 'fee-12', '6000.00', 'CB-1', 'Xiaomi 15 Pro');
    await t.setBusinessDate('2026-02-06');
    customerToken = await sessionFor(t, plan.customerId);
    const filed = await t.api('POST', '/v1/me/tickets', { token: customerToken, key: 'ticket-1', body: { category: 'cannot_find_entrance', description: '原来的还款入口关了，不知道在哪里还款' } });
    assert.equal(filed.status, 201, JSON.stringify(filed.body));
    ticketId = filed.body.id;
    agentKey = (await t.run((ctx) => createApiKey(ctx, { role: 'agent', name: '客服 小王' }))).token;
    ({ base, browser } = await serveInChromium(t));
    const desk = await browser.newContext(DESKTOP);
    page = await desk.newPage();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('an agent signs in and finds the customer by phone, with the number masked', async () => {
    await page.goto(`${base}/console`);
    assert.equal(new URL(page.url()).pathname, '/console/login');
    await page.getByLabel('API 密钥').fill(agentKey);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByLabel('手机号或计划号').fill('138 0013 8000');
    await page.getByRole('button', { name: '查找' }).click();
    const main = await page.locator('main').innerText();
    assert.match(main, /138\*\*\*\*8000/);
    assert.doesNotMatch(main, /13800138000/);
    assert.match(main, /找不到还款入口/);
    await shot('console-customer');
  });

  it('texts a fresh repayment link and resolves the ticket; the customer sees it resolved', async () => {
    await page.getByRole('button', { name: '短信发送新的还款链接' }).click();
    assert.match(await page.locator('main').innerText(), /还款链接/);
    await page.getByRole('link', { name: '原来的还款入口关了' }).first().click();
    await page.getByRole('button', { name: '分配给我' }).click();
    await page.getByLabel('状态').selectOption('resolve');
    await page.getByLabel('备注').fill('已短信发送新的还款链接，客户已找到还款入口');
    await page.getByRole('button', { name: '发送' }).first().click();
    const main = await page.locator('main').innerText();
    assert.match(main, /已解决/);
    await shot('console-ticket');
    const mine = await t.api('GET', `/v1/me/tickets/${ticketId}`, { token: customerToken });
    assert.equal(mine.body.status, 'resolved');
  });
});
