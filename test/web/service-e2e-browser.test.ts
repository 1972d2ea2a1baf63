import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { seedTestStore } from '../support/store.ts';
import { createApiKey } from '../../src/app/admin/create-api-key.ts';
import { assertNoSideScroll, buy, DESKTOP, fullPageShot, loginCode, MOBILE, NO_BROWSER, screenshotDir, serveInChromium } from './support.ts';

/**
 * End to end in Chromium, three people and three front ends against one server: a customer
 * logs in on a 375-px phone with the texted code and files a ticket from the help centre
 * (联系客服); an agent signs in to the console on a desktop, finds the customer by phone,
 * opens the ticket and resolves it; the customer sees it resolved and confirms. Nothing is
 * set up through the API that a person does in these steps.
 */
describe('a customer files a ticket in the portal and an agent resolves it in the console', { skip: NO_BROWSER }, () => {
  const PHONE = '13800138000';
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let phone: BrowserContext;
  let desk: BrowserContext;
  let customer: Page;
  let agent: Page;
  let agentKey: string;
  const shots = screenshotDir();
  const shot = (p: Page, name: string) => fullPageShot(p, shots, name);
  const noSideScroll = assertNoSideScroll;
  /** The session the customer's browser holds (HttpOnly: read from the browser context, not the page). */
  const sessionToken = async () => (await phone.cookies()).find((c) => c.name === 'fq_session')!.value;
  const DESCRIPTION = '原来在商城 App 里还款，现在找不到还款入口了，2月10日的账单怎么还？';

  before(async () => {
    t = await startTestApp(testDatabases()[0]!, {}, '2026-01-05');
    const store = await seedTestStore(t);
    await buy(t, store, PHONE, 'fee-12', '6000.00', 'E2E-1', 'Xiaomi 15 Pro');
    await t.setBusinessDate('2026-02-06');
    agentKey = (await t.run((ctx) => createApiKey(ctx, { role: 'agent', name: '客服 小李' }))).token;
    ({ base, browser } = await serveInChromium(t));
    phone = await browser.newContext(MOBILE);
    desk = await browser.newContext(DESKTOP);
    customer = await phone.newPage();
    agent = await desk.newPage();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the customer logs in and files a ticket from the help centre', async () => {
    await customer.goto(`${base}/portal`);
    assert.equal(new URL(customer.url()).pathname, '/portal/login');
    await customer.getByLabel('手机号').fill(PHONE);
    await customer.getByRole('button', { name: '获取验证码' }).click();
    await customer.getByLabel('验证码').fill(loginCode(t, PHONE));
    await customer.getByRole('button', { name: '登录' }).click();
    await customer.waitForURL(`${base}/portal`);
    await customer.getByRole('link', { name: '帮助中心' }).click();
    assert.equal(new URL(customer.url()).pathname, '/portal/help');
    await customer.getByRole('link', { name: '联系客服' }).first().click();
    assert.equal(new URL(customer.url()).pathname, '/portal/help/tickets/new');
    await customer.getByRole('radio', { name: /找不到还款入口/ }).check();
    await customer.getByLabel('问题描述').fill(DESCRIPTION);
    await noSideScroll(customer);
    await shot(customer, 'portal-ticket-new');
    await customer.getByRole('button', { name: '提交工单' }).click();
    assert.equal(new URL(customer.url()).pathname, '/portal/help/tickets');
    const main = await customer.locator('main').innerText();
    assert.match(main, /工单已提交，客服会尽快回复。/);
    assert.match(main, /找不到还款入口/);
    assert.match(main, /待处理/);
    const mine = await t.api('GET', '/v1/me/tickets', { token: await sessionToken() });
    assert.deepEqual(mine.body.items.map((k: any) => [k.status, k.category]), [['open', 'cannot_find_entrance']]);
  });

  it('the agent finds the customer by phone, opens the ticket and resolves it', async () => {
    await agent.goto(`${base}/console`);
    await agent.getByLabel('API 密钥').fill(agentKey);
    await agent.getByRole('button', { name: '登录' }).click();
    await agent.getByLabel('手机号或计划号').fill('138-0013-8000');
    await agent.getByRole('button', { name: '查找' }).click();
    assert.match(new URL(agent.url()).pathname, /^\/console\/customers\/[0-9a-f-]{36}$/);
    const screen = await agent.locator('main').innerText();
    assert.match(screen, /138\*\*\*\*8000/);
    await agent.getByRole('link', { name: /原来在商城 App 里还款/ }).first().click();
    assert.match(await agent.locator('main').innerText(), /2月10日的账单怎么还/);
    await agent.getByRole('button', { name: '分配给我' }).click();
    await agent.getByLabel('回复客户').fill('现在可以在“分期还款页”还款：打开短信里的链接，或在首页点“立即还款”。');
    await agent.getByRole('button', { name: '发送' }).last().click();
    await agent.getByLabel('状态').selectOption('resolve');
    await agent.getByLabel('备注').fill('已告知新的还款入口');
    await agent.getByRole('button', { name: '发送' }).first().click();
    const main = await agent.locator('main').innerText();
    assert.match(main, /已解决/);
    await shot(agent, 'console-ticket-resolved');
  });

  it('the customer sees the answer, sees it resolved and confirms', async () => {
    await customer.goto(`${base}/portal/help/tickets`);
    await customer.getByTestId('ticket').first().getByRole('link').click();
    const main = await customer.locator('main').innerText();
    assert.match(main, /分期还款页/);
    assert.equal(await customer.getByTestId('ticket-status').innerText(), '已解决，待您确认');
    await noSideScroll(customer);
    await shot(customer, 'portal-ticket-resolved');
    await customer.getByRole('button', { name: '已解决，关闭工单' }).click();
    assert.equal(await customer.getByTestId('ticket-status').innerText(), '已关闭');
    const mine = await t.api('GET', '/v1/me/tickets', { token: await sessionToken() });
    assert.deepEqual(mine.body.items.map((k: any) => k.status), ['closed']);
  });
});
