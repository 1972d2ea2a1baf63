import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { seedTestStore, sessionFor } from '../support/store.ts';
import { putInboxMessage } from '../../src/adapters/notify/inbox/inbox-store.ts';
import { serviceMessages } from '../../src/web/i18n/service-messages.ts';
import { buy } from './support.ts';

/**
 * The portal's service pages over HTTP: auto-debit (sign and cancel for all plans or one,
 * 扣款记录), the inbox, the help centre and "where to pay now" when the usual entrance is
 * closed — and that none of them shows or changes another customer's data.
 */
for (const target of testDatabases()) {
  describe(`the portal's service pages on ${target.name}`, () => {
    let t: TestApp;
    let planA: { id: string; customerId: string };
    let planB: { id: string; customerId: string };
    let cookieA: string;
    let cookieB: string;
    let tokenB: string;

    type Res = { status: number; body: string; headers: Record<string, unknown> };
    const get = async (url: string, cookie?: string): Promise<Res> => {
      const r = await t.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
      return { status: r.statusCode, body: r.body, headers: r.headers };
    };
    const post = async (url: string, fields: Record<string, string>, cookie: string): Promise<Res> => {
      const r = await t.app.inject({ method: 'POST', url, payload: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', cookie } });
      return { status: r.statusCode, body: r.body, headers: r.headers };
    };
    const message = (customerId: string, title: string) => putInboxMessage(t.deps.db, {
      customerId, id: t.deps.ids.next(), noticeId: null, kind: 'reminder', title, body: `${title} — 请按时还款`, actionPath: '/portal/pay?dueDate=2026-02-10', at: t.clock.now(),
    });

    before(async () => {
      t = await startTestApp(target);
      const store = await seedTestStore(t);
      planA = await buy(t, store, '13800138011', 'fee-12', '6000.00', 'S-1', 'Xiaomi 15 Pro');
      planB = await buy(t, store, '13800138012', 'free-3', '3000.00', 'S-2', 'Redmi Pad');
      await t.setBusinessDate('2026-02-08');
      cookieA = `fq_session=${await sessionFor(t, planA.customerId)}`;
      tokenB = await sessionFor(t, planB.customerId);
      cookieB = `fq_session=${tokenB}`;
    });
    after(async () => { await t.close(); });

    it('reaches every service page in one tap from home', async () => {
      const home = await get('/portal', cookieA);
      assert.equal(home.status, 200);
      for (const href of ['/portal/autodebit', '/portal/messages', '/portal/where-to-pay', '/portal/help']) assert.match(home.body, new RegExp(`<a href="${href}">`), href);
      assert.doesNotMatch(home.body, /entrance-moved/);
    });

    it('signs auto-debit for all plans, shows it on every plan, and cancels it', async () => {
      const off = await get('/portal/autodebit', cookieA);
      assert.equal(off.status, 200);
      assert.match(off.body, /<h1>自动扣款<\/h1>/);
      assert.match(off.body, /还没有扣款记录/);
      const signed = await post('/portal/autodebit/sign', {}, cookieA);
      assert.equal(signed.status, 303);
      assert.equal(signed.headers.location, '/portal/autodebit?done=signed');
      const on = await get('/portal/autodebit?done=signed', cookieA);
      assert.match(on.body, /自动扣款已开通/);
      assert.match(on.body, /已由“全部分期”协议覆盖/);
      const again = await post('/portal/autodebit/sign', {}, cookieA);
      assert.equal(again.status, 409, 'a second agreement for all plans is refused');
      const id = /name="id" value="([0-9a-f-]{36})"/.exec(on.body)?.[1];
      assert.ok(id);
      // Customer B cannot cancel A's agreement: the API answers not found and nothing changes.
      assert.equal((await post('/portal/autodebit/cancel', { id }, cookieB)).status, 404);
      assert.equal((await t.api('GET', '/v1/me/autodebit', { token: tokenB })).body.agreements.length, 0);
      const cancelled = await post('/portal/autodebit/cancel', { id }, cookieA);
      assert.equal(cancelled.status, 303);
      const after = await get('/portal/autodebit?done=cancelled', cookieA);
      assert.match(after.body, /自动扣款已关闭/);
      assert.doesNotMatch(after.body, /name="id"/);
    });

    it('signs auto-debit for one plan, and refuses a plan that is not the customer\'s', async () => {
      assert.equal((await post('/portal/autodebit/sign', { plan: planB.id }, cookieA)).status, 404);
      assert.equal((await post('/portal/autodebit/sign', { plan: 'not-a-uuid' }, cookieA)).status, 400);
      const signed = await post('/portal/autodebit/sign', { plan: planA.id }, cookieA);
      assert.equal(signed.status, 303);
      const page = await get('/portal/autodebit', cookieA);
      assert.match(page.body, /扣款渠道：沙箱收银台/);
      assert.match(page.body, /aria-label="开通自动扣款: 全部分期"/, 'all plans is still off');
    });

    it('lists messages with the unread count, marks one read, and ignores another customer\'s id', async () => {
      const empty = await get('/portal/messages', cookieA);
      assert.match(empty.body, /还没有消息/);
      await message(planA.customerId, '2月10日账单提醒');
      await message(planB.customerId, 'B 的提醒');
      const home = await get('/portal', cookieA);
      assert.match(home.body, /<span class="count" aria-label="1 条未读">1<\/span>/);
      const list = await get('/portal/messages', cookieA);
      assert.match(list.body, /2月10日账单提醒/);
      assert.doesNotMatch(list.body, /B 的提醒/);
      assert.match(list.body, /data-testid="unread">1 条未读/);
      assert.match(list.body, /<a href="\/portal\/pay\?dueDate=2026-02-10">去处理 ›<\/a>/);
      const bList = await get('/portal/messages', cookieB);
      const bId = /name="id" value="([0-9a-f-]{36})"/.exec(bList.body)![1]!;
      assert.equal((await post('/portal/messages/read', { id: bId }, cookieA)).status, 303);
      assert.match((await get('/portal/messages', cookieB)).body, /1 条未读/, "A cannot mark B's message read");
      const aId = /name="id" value="([0-9a-f-]{36})"/.exec(list.body)![1]!;
      const read = await post('/portal/messages/read', { id: aId }, cookieA);
      assert.equal(read.headers.location, '/portal/messages');
      assert.match((await get('/portal/messages', cookieA)).body, /没有未读消息/);
    });

    it('answers the common questions for anyone, in Chinese and English', async () => {
      for (const [lang, locale] of [['zh-CN', 'zh-CN'], ['en', 'en']] as const) {
        const page = await get(`/portal/help?lang=${lang}`);
        assert.equal(page.status, 200);
        for (const f of serviceMessages(locale).faq) {
          assert.ok(page.body.includes(`<details class="faq" id="${f.id}"><summary>`), f.id);
          assert.ok(page.body.includes(f.q.replace(/'/g, '&#39;').replace(/"/g, '&quot;')), f.q);
        }
      }
      assert.doesNotMatch((await get('/portal/help')).body, /class="tabs"/, 'logged out: no tab bar');
    });

    it('says where to pay now when the usual entrance is closed, from home in one tap', async () => {
      const admin = { token: t.adminToken };
      const serves = { partnerIds: [], productIds: [], merchantIds: [] };
      assert.equal((await t.api('POST', '/v1/admin/entrances', { ...admin, body: { code: 'store-app', kind: 'store_app', name: '测试商城 App', url: 'https://store.example/pay/{planId}', status: 'open', priority: 10, serves } })).status, 201);
      assert.equal((await t.api('POST', '/v1/admin/entrances', { ...admin, body: { code: 'fenqi', kind: 'fenqi_portal', name: '分期还款页', url: 'https://fenqi.example/portal/plans/{planId}', status: 'open', priority: 100, serves } })).status, 201);
      const open = await get('/portal/where-to-pay', cookieA);
      assert.match(open.body, /<a class="btn" href="https:\/\/store.example\/pay\/[0-9a-f-]{36}">去「测试商城 App」还款<\/a>/);
      assert.doesNotMatch((await get('/portal', cookieA)).body, /entrance-moved/);

      t.clock.set(new Date(t.clock.now().getTime() + 60_000));
      assert.equal((await t.api('POST', '/v1/admin/entrances/store-app/status', { ...admin, body: { status: 'closed', reason: 'store app retired' } })).status, 200);
      t.clock.set(new Date(t.clock.now().getTime() + 60_000));
      const home = await get('/portal', cookieA);
      assert.match(home.body, /<a class="alert warn block" href="\/portal\/where-to-pay" data-testid="entrance-moved">您常用的还款入口已关闭/);
      const where = await get('/portal/where-to-pay', cookieA);
      assert.match(where.body, /您常用的还款入口「测试商城 App」暂时不能还款/);
      assert.match(where.body, new RegExp(`<a class="btn" href="/portal/plans/${planA.id}">就在这里还款</a>`));
      assert.doesNotMatch(where.body, new RegExp(planB.id), "only the customer's own plans");
    });

    it('sends a logged-out visitor to log in from every service page', async () => {
      for (const url of ['/portal/autodebit', '/portal/messages', '/portal/where-to-pay']) {
        const r = await get(url);
        assert.equal(r.status, 303, url);
        assert.equal(r.headers.location, `/portal/login?next=${encodeURIComponent(url)}`);
      }
    });
  });
}
