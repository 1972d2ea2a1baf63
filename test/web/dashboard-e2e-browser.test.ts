import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { seedTestStore } from '../support/store.ts';
import { createApiKey } from '../../src/app/admin/create-api-key.ts';
import { DESKTOP, fullPageShot, NO_BROWSER, screenshotDir, serveInChromium } from './support.ts';

/**
 * An operator at a desktop in Chromium: defines a product (first with an APR above its cap,
 * which the API refuses and the form shows next to the field), offers it at the store,
 * creates a merchant and copies its webhook secret and a new API key, each shown once, and
 * adds a funding partner for the new product. Then the new merchant's key sells the product.
 */
describe('an operator manages products, merchants and partners in the dashboard', { skip: NO_BROWSER }, () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let page: Page;
  let operatorKey: string;
  let merchantToken: string;
  const shots = screenshotDir();
  const shot = (name: string) => fullPageShot(page, shots, name);
  const main = () => page.locator('main').innerText();

  before(async () => {
    t = await startTestApp(testDatabases()[0]!, {}, '2026-01-05');
    await seedTestStore(t);
    operatorKey = (await t.run((ctx) => createApiKey(ctx, { role: 'operator', name: '运营 小张' }))).token;
    ({ base, browser } = await serveInChromium(t));
    const desk = await browser.newContext(DESKTOP);
    page = await desk.newPage();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('defines a product: the refused APR is shown at its field, then it is saved and offered', async () => {
    await page.goto(`${base}/dashboard/login`);
    await page.getByLabel('API 密钥').fill(operatorKey);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('link', { name: '产品', exact: true }).click();
    assert.match(await main(), /fee-12/);
    await page.getByRole('link', { name: '新建产品' }).click();
    await page.getByLabel('产品代码').fill('fee-24');
    await page.getByLabel('产品名称').fill('24期 0.9%/月');
    await page.getByLabel('定价方式').selectOption('fee-per-period');
    await page.getByLabel('期数', { exact: true }).fill('24');
    await page.getByLabel('月手续费率（%）').fill('1.9');
    await page.getByLabel('年化利率上限（%）').fill('24');
    await page.getByLabel('宽限期（天）').fill('5');
    await page.getByLabel('滞纳金（元/期）').fill('15.00');
    await page.getByLabel('分配顺序').selectOption('principal-first');
    await page.getByLabel('提前还款违约金', { exact: true }).selectOption('percent-of-prepaid-principal');
    await page.getByLabel('违约金费率（%）').fill('1');
    await page.getByRole('checkbox', { name: '测试商城' }).check();
    await page.getByRole('button', { name: '创建产品' }).click();

    const rate = page.getByLabel('年化利率上限（%）');
    assert.equal(await rate.getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#f-aprCap-err').innerText(), /错误：年化利率超过上限/);
    assert.ok(await page.getByRole('alert').filter({ hasText: '提交未成功' }).isVisible());
    assert.equal(await page.getByLabel('产品名称').inputValue(), '24期 0.9%/月', 'what was typed is kept');
    await shot('dashboard-product-error');
    await page.getByRole('link', { name: /年化利率超过上限/ }).click();
    assert.equal(new URL(page.url()).hash, '#f-aprCap');

    await page.getByLabel('月手续费率（%）').fill('0.9');
    await page.getByRole('button', { name: '创建产品' }).click();
    assert.match(new URL(page.url()).pathname, /^\/dashboard\/products\/[0-9a-f-]{36}$/);
    const text = await main();
    assert.match(text, /产品已保存。¥10,000 样例的年化利率 \d+(\.\d+)?%/);
    assert.match(text, /本金优先/);
    assert.match(text, /¥15\.00/);
    await shot('dashboard-product');
  });

  it('creates a merchant, copies its webhook secret once, issues an API key and offers the product', async () => {
    await page.getByRole('link', { name: '商户', exact: true }).click();
    await page.getByLabel('商户名称').fill('小米之家 五道口店');
    await page.getByLabel('Webhook 地址（选填）').fill('https://wudaokou.example/fenqi/hooks');
    await page.getByRole('button', { name: '创建商户' }).click();
    assert.match(await main(), /这个密钥只显示这一次/);
    const secret = await page.getByRole('textbox', { name: 'Webhook 签名密钥' }).inputValue();
    assert.match(secret, /^whsec_/);
    await shot('dashboard-merchant-secret');
    await page.getByRole('link', { name: /返回小米之家 五道口店/ }).click();
    assert.doesNotMatch(await page.content(), new RegExp(secret));

    await page.getByLabel('密钥用途').fill('五道口收银台');
    await page.getByRole('button', { name: '签发 API 密钥' }).click();
    merchantToken = await page.getByRole('textbox', { name: '密钥', exact: true }).inputValue();
    assert.match(merchantToken, /^fqk_/);
    await page.getByRole('link', { name: /返回小米之家 五道口店/ }).click();
    await page.getByLabel('开放产品').selectOption({ label: '24期 0.9%/月 (fee-24)' });
    await page.getByRole('button', { name: '开放产品' }).click();
    const text = await main();
    assert.match(text, /已完成。/);
    assert.match(text, /五道口收银台/);
    assert.match(text, /24期 0.9%\/月/);
    assert.doesNotMatch(await page.content(), new RegExp(merchantToken));
    await shot('dashboard-merchant');
  });

  it('adds a funding partner for the new product; the new merchant key sells it', async () => {
    await page.getByRole('link', { name: '资金方', exact: true }).click();
    await page.getByRole('link', { name: '新建资金方' }).click();
    await page.getByLabel('资金方代码').fill('bank-c');
    await page.getByLabel('名称', { exact: true }).fill('丙银行');
    await page.getByLabel('优先级').fill('10');
    await page.getByLabel('额度（元）').fill('2000000.00');
    await page.getByRole('checkbox', { name: /fee-24/ }).check();
    await page.getByRole('button', { name: '创建资金方' }).click();
    assert.equal(new URL(page.url()).pathname, '/dashboard/partners');
    const text = await main();
    assert.match(text, /丙银行/);
    assert.match(text, /¥2,000,000\.00/);
    await shot('dashboard-partners');

    const product = await t.deps.db.selectFrom('products').select('id').where('code', '=', 'fee-24').executeTakeFirstOrThrow();
    const sold = await t.api('POST', '/v1/merchant/plans', {
      token: merchantToken, key: 'e2e-order-1', body: { merchantOrderId: 'WDK-1', phone: '13900139999', productId: product.id, amount: '4800.00', description: 'Xiaomi 15' },
    });
    assert.equal(sold.status, 201, JSON.stringify(sold.body));
    const funding = await t.deps.db.selectFrom('plan_funding').innerJoin('partners', 'partners.id', 'plan_funding.partner_id').select('partners.code').where('plan_funding.plan_id', '=', sold.body.id).execute();
    assert.deepEqual(funding.map((f) => f.code), ['bank-c']);
  });
});
