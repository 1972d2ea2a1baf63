import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { seedTestStore, sessionFor } from '../support/store.ts';
import { createApiKey } from '../../src/app/admin/create-api-key.ts';
import { buy, getPage, postForm, staffSignIn } from './support.ts';

/**
 * The service console: staff sign in with their key; an agent finds a customer by phone and
 * sees the whole account with the phone masked, texts a repayment link, opens and resolves a
 * ticket; a waiver above the agent's limit waits for a supervisor; an auditor reads and
 * cannot act; a customer's session is no way in.
 */
for (const target of testDatabases()) {
  describe(`the service console on ${target.name}`, () => {
    let t: TestApp;
    let plan: { id: string; customerId: string };
    const keys: Record<'agent' | 'supervisor' | 'auditor', string> = { agent: '', supervisor: '', auditor: '' };
    let customerCookie: string;

    const get = (url: string, cookie?: string) => getPage(t, url, cookie);
    const post = (url: string, fields: Record<string, string>, cookie?: string) => postForm(t, url, fields, cookie);
    const sessions: Record<string, string> = {};
    const as = (role: keyof typeof keys) => `fq_console=${sessions[role]}`;
    const formKey = (page: string) => /name="idem" value="([0-9a-f-]{36})"/.exec(page)?.[1] ?? assert.fail('no idempotency key in the form');

    before(async () => {
      t = await startTestApp(target, {}, '2026-01-05');
      const store = await seedTestStore(t);
      plan = await buy(t, store, '13800138000', 'ei-12', '6000.00', 'C-1', 'Xiaomi 15 Pro');
      customerCookie = `fq_session=${await sessionFor(t, plan.customerId)}`;
      for (const role of ['agent', 'supervisor', 'auditor'] as const) keys[role] = (await t.run((ctx) => createApiKey(ctx, { role, name: `${role} key` }))).token;
      await signInAll();
    });
    /** Staff sessions last a working day: after the clock jumps a month, everyone signs in again. */
    const signInAll = async () => { for (const role of ['agent', 'supervisor', 'auditor'] as const) sessions[role] = await staffSignIn(t, 'console', keys[role]); };
    after(async () => { await t.close(); });

    it('sends visitors and customers to the staff sign-in; a key signs in with a strict HttpOnly cookie scoped to /console', async () => {
      for (const cookie of [undefined, customerCookie, `fq_console=${customerCookie.slice('fq_session='.length)}`]) {
        const r = await get('/console', cookie);
        assert.deepEqual([r.status, r.headers.location], [303, '/console/login']);
      }
      assert.equal((await post('/console/login', { key: 'fqk_not-a-real-key-000000' })).status, 401);
      const ok = await post('/console/login', { key: keys.agent });
      assert.equal(ok.status, 303);
      const cookie = String(ok.headers['set-cookie']);
      assert.match(cookie, /^fq_console=fqt_/, 'the cookie carries a staff session, not the key');
      assert.ok(!cookie.includes(keys.agent));
      assert.deepEqual([(await get('/console', `fq_console=${keys.agent}`)).status], [303], 'a key pasted into the cookie is no session');
      for (const attr of ['HttpOnly', 'SameSite=Strict', 'Path=/console']) assert.ok(cookie.includes(attr), attr);
      const home = await get('/console', as('agent'));
      assert.equal(home.status, 200);
      assert.match(home.body, /查找客户/);
      assert.doesNotMatch(home.body, /<script/i);
      assert.match((await get('/console?lang=en', as('agent'))).body, /Find a customer/);
    });

    it('finds a customer by phone and shows the whole account with the phone masked', async () => {
      const found = await post('/console/search', { q: '138 0013 8000' }, as('agent'));
      assert.deepEqual([found.status, found.headers.location], [303, `/console/customers/${plan.customerId}`]);
      const page = await get(`/console/customers/${plan.customerId}`, as('agent'));
      assert.equal(page.status, 200);
      assert.match(page.body, /138\*\*\*\*8000/);
      assert.doesNotMatch(page.body, /13800138000/);
      for (const part of ['现在在哪里还款', '本期账单', '处理中的支付', '自动扣款', '已发送通知', '短信发送新的还款链接']) assert.ok(page.body.includes(part), part);
      const byPlan = await post('/console/search', { q: plan.id }, as('agent'));
      assert.equal(byPlan.headers.location, `/console/customers/${plan.customerId}`);
      const missing = await post('/console/search', { q: '13912345678' }, as('agent'));
      assert.equal(missing.status, 404);
      assert.doesNotMatch(missing.body, /13912345678/, 'a searched phone is not echoed into the page');
    });

    it('texts a fresh repayment link to the phone on the account', async () => {
      await t.setBusinessDate('2026-02-01');
      await signInAll();
      const r = await post(`/console/customers/${plan.customerId}/repayment-link`, {}, as('agent'));
      assert.equal(r.status, 303);
      assert.match(String(r.headers.location), /\?ok=link(&d=2026-02-10|_already)/);
      assert.match((await get(String(r.headers.location), as('agent'))).body, /还款链接/);
    });

    it('opens a ticket for the customer on the phone and resolves it', async () => {
      const page = await get(`/console/customers/${plan.customerId}`, as('agent'));
      const opened = await post(`/console/customers/${plan.customerId}/ticket`, { idem: formKey(page.body), category: 'cannot_find_entrance', description: '客户来电：原来的还款入口关了' }, as('agent'));
      assert.equal(opened.status, 303);
      const ticketUrl = String(opened.headers.location).split('?')[0]!;
      assert.match(ticketUrl, /^\/console\/tickets\/[0-9a-f-]{36}$/);
      const ticket = await get(ticketUrl, as('agent'));
      assert.match(ticket.body, /找不到还款入口/);
      const resolved = await post(`${ticketUrl}/move`, { idem: formKey(ticket.body), action: 'resolve', note: '已发送新的还款链接' }, as('agent'));
      assert.equal(resolved.headers.location, `${ticketUrl}?ok=done`);
      const after = await get(ticketUrl, as('agent'));
      assert.match(after.body, /已解决/);
      assert.match(after.body, /已发送新的还款链接/);
    });

    it('sends a waiver above the agent limit for approval, and a supervisor approves it once', async () => {
      const page = await get(`/console/customers/${plan.customerId}`, as('agent'));
      const asked = await post(`/console/customers/${plan.customerId}/waive`, {
        idem: formKey(page.body), planId: plan.id, installmentNumber: '1', component: 'interest', amount: '60.00', reason: 'entrance closed before the due date',
      }, as('agent'));
      assert.match(String(asked.headers.location), /\?ok=pending&roles=/);
      assert.equal(await waiverCount(), 0, 'nothing moved before the approval');
      assert.match((await get('/console/approvals', as('agent'))).body, /60\.00/);
      // The agent cannot approve their own request.
      const own = await get('/console/approvals', as('agent'));
      const refused = await post(String(/action="(\/console\/approvals\/[0-9a-f-]{36}\/approve)"/.exec(own.body)![1]), { idem: formKey(own.body) }, as('agent'));
      assert.match(String(refused.headers.location), /err=(forbidden|limit_exceeded)/);
      const list = await get('/console/approvals', as('supervisor'));
      const approve = /action="(\/console\/approvals\/[0-9a-f-]{36}\/approve)"/.exec(list.body)![1]!;
      const key = formKey(list.body);
      const done = await post(approve, { idem: key }, as('supervisor'));
      assert.equal(done.headers.location, '/console/approvals?ok=done');
      const again = await post(approve, { idem: key }, as('supervisor'));
      assert.equal(again.headers.location, '/console/approvals?ok=done', 'a resubmitted form replays, it does not act twice');
      assert.equal(await waiverCount(), 1);
    });

    it('lets an auditor read but not act', async () => {
      const page = await get(`/console/customers/${plan.customerId}`, as('auditor'));
      assert.equal(page.status, 200);
      assert.match(page.body, /您的角色只能查看/);
      assert.doesNotMatch(page.body, /name="idem"/);
      const tried = await post(`/console/customers/${plan.customerId}/repayment-link`, {}, as('auditor'));
      assert.match(String(tried.headers.location), /err=forbidden/);
      assert.equal((await get('/console/collections', as('auditor'))).status, 200);
    });

    it('refuses malformed ids without calling the API', async () => {
      assert.equal((await get('/console/customers/not-a-uuid', as('agent'))).status, 404);
      assert.equal((await get('/console/tickets/1%27%20or%201=1', as('agent'))).status, 404);
    });

    async function waiverCount(): Promise<number> {
      const r = await t.deps.db.selectFrom('waivers').select((eb) => eb.fn.countAll<number>().as('n')).where('customer_id', '=', plan.customerId).executeTakeFirstOrThrow();
      return Number(r.n);
    }
  });
}
