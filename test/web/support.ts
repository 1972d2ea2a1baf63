import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import type { TestApp } from '../support/app.ts';
import type { TestStore } from '../support/store.ts';

export const CHROMIUM = '/usr/bin/chromium';
/** Set when the browser suites cannot run here: node:test reports them skipped with this reason. */
export const NO_BROWSER: string | false = existsSync(CHROMIUM) ? false : `no ${CHROMIUM}: apt-get install -y chromium fonts-noto-cjk to run the browser suites`;

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

/**
 * Screenshots go to docs/screenshots when UPDATE_SCREENSHOTS=1 (to refresh the README's
 * pictures), otherwise to a temporary folder: a test run never dirties the work tree.
 */
export function screenshotDir(): string {
  const dir = process.env.UPDATE_SCREENSHOTS === '1' ? join(process.cwd(), 'docs', 'screenshots') : join(tmpdir(), 'fenqi-screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A checkout with the item's name, so pages show what was bought. */
export async function buy(t: TestApp, store: TestStore, phone: string, product: string, amount: string, orderId: string, description: string) {
  const r = await t.api('POST', '/v1/merchant/plans', {
    token: store.merchantToken, key: `order-${orderId}`,
    body: { merchantOrderId: orderId, phone, productId: store.products[product], amount, description },
  });
  if (r.status !== 201) throw new Error(`checkout failed: ${JSON.stringify(r.body)}`);
  return r.body as { id: string; customerId: string };
}

/** The newest login code texted to a phone (the test notifier keeps every message). */
export function loginCode(t: TestApp, phone: string): string {
  const sms = t.sent.filter((n) => n.to === phone && n.template === 'otp.login').at(-1);
  if (!sms?.params.code) throw new Error(`no login code sent to ${phone}`);
  return sms.params.code;
}

/**
 * Signs a member of staff in through a surface's login form, as a browser would, and returns
 * the staff session token the cookie carries (the key itself never goes into a cookie).
 */
export async function staffSignIn(t: TestApp, surface: 'console' | 'dashboard', key: string): Promise<string> {
  const r = await postForm(t, `/${surface}/login`, { key });
  const token = /^fq_(?:console|staff)=(fqt_[^;]+);/.exec(String(r.headers['set-cookie'] ?? ''))?.[1];
  if (r.status !== 303 || !token) throw new Error(`${surface} sign-in answered ${r.status}`);
  return token;
}

/** A desktop browser window and a 375-px phone, both in Chinese, as the browser suites use them. */
export const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 900 }, locale: 'zh-CN' };
export const MOBILE: BrowserContextOptions = { viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' };

/** Serves the app on a loopback port and launches Debian's Chromium (playwright-core cannot download one here). */
export async function serveInChromium(t: TestApp): Promise<{ base: string; browser: Browser }> {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  const { chromium } = await import('playwright-core');
  return { base, browser: await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS }) };
}

/**
 * The whole page as it would show scrolled through: the window is made as tall as the page (so
 * a sticky tab bar sits at the bottom, not across the middle), photographed, then put back.
 */
export async function fullPageShot(p: Page, dir: string, name: string): Promise<void> {
  const size = p.viewportSize()!;
  const height = await p.evaluate(() => document.documentElement.scrollHeight);
  await p.setViewportSize({ width: size.width, height: Math.max(size.height, height) });
  await p.screenshot({ path: join(dir, `${name}.png`) });
  await p.setViewportSize(size);
}

/** A page fits its screen's width: nothing to scroll sideways on a phone. */
export async function assertNoSideScroll(p: Page): Promise<void> {
  const width = await p.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= p.viewportSize()!.width, `${p.url()} is ${width}px wide on a ${p.viewportSize()!.width}-px screen`);
}

export interface PageResponse { status: number; body: string; headers: Record<string, unknown> }

/** GET a server-rendered page in-process, as a browser with these cookies would. */
export async function getPage(t: TestApp, url: string, cookie?: string): Promise<PageResponse> {
  const r = await t.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
  return { status: r.statusCode, body: r.body, headers: r.headers };
}

/** POST an HTML form (urlencoded) in-process, as a browser with these cookies would. */
export async function postForm(t: TestApp, url: string, fields: Record<string, string>, cookie?: string): Promise<PageResponse> {
  const r = await t.app.inject({ method: 'POST', url, payload: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) } });
  return { status: r.statusCode, body: r.body, headers: r.headers };
}
