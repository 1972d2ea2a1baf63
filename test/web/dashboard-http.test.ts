import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { seedTestStore, sessionFor } from '../support/store.ts';
import { createApiKey } from '../../src/app/admin/create-api-key.ts';
import { loadDashboard } from '../../src/app/dashboard/load-dashboard.ts';
import { yuan } from '../../src/web/dashboard/format.ts';
import { buy, getPage, postForm, staffSignIn } from './support.ts';

/**
 * The operator dashboard: staff log in with their API key; the figures come from set-based
 * queries and agree with the sub-ledger; auditors read but cannot act; customers and agents
 * are kept out. Customer C bought a laptop (free-3, 4500.00) on 2025-12-01 and never paid (first
 * due 2026-01-10); customer A bought a phone (fee-12, 6000.00: 500.00 principal + 36.00 fee a
 * month) on 2026-01-05 and pays 536.00 on 2026-02-08, today.
 */
for (const target of testDatabases()) {
  describe(`the operator dashboard on ${target.name}`, () => {
    let t: TestApp;
    const keys: Record<'operator' | 'auditor' | 'agent', string> = { operator: '', auditor: '', agent: '' };
    let customerCookie: string;

    const get = (url: string, cookie?: string) => getPage(t, url, cookie);
    const post = (url: string, fields: Record<string, string>, cookie?: string) => postForm(t, url, fields, cookie);
    const sessions: Record<string, string> = {};
    const staffCookie = (role: keyof typeof keys) => `fq_staff=${sessions[role]}`;

    before(async () => {
      t = await startTestApp(target, {}, '2025-12-01');
      const store = await seedTestStore(t);
      await buy(t, store, '13900139003', 'free-3', '4500.00', 'D-1', 'Xiaomi Book Pro 14');
      await t.setBusinessDate('2026-01-05');
      const a = await buy(t, store, '13800138000', 'fee-12', '6000.00', 'D-2', 'Xiaomi 15 Pro');
      await t.setBusinessDate('2026-02-08');
      const token = await sessionFor(t, a.customerId);
      customerCookie = `fq_session=${token}`;
      const paid = await t.api('POST', '/v1/me/repayments', { token, key: 'pay-d2', body: { kind: 'installment', planId: a.id, installmentNumber: 1, amount: '536.00' } });
      assert.equal(paid.status, 201, JSON.stringify(paid.body));
      for (const role of ['operator', 'auditor', 'agent'] as const) keys[role] = (await t.run((ctx) => createApiKey(ctx, { role, name: `${role} key` }))).token;
      sessions.operator = await staffSignIn(t, 'dashboard', keys.operator);
      sessions.auditor = await staffSignIn(t, 'dashboard', keys.auditor);
      // Agents cannot sign in here; their console session, carried to the dashboard, must be refused by role.
      sessions.agent = await staffSignIn(t, 'console', keys.agent);
      const entrance = await t.api('POST', '/v1/admin/entrances', {
        token: keys.operator,
        body: { code: 'store-app', kind: 'store_app', name: '商城 App', url: 'https://store.example/pay/{planId}', status: 'open', priority: 10, serves: { partnerIds: [], productIds: [], merchantIds: [] } },
      });
      assert.equal(entrance.status, 201, JSON.stringify(entrance.body));
    });
    after(async () => { await t.close(); });

    it('sends a visitor without a staff key to the login page, and a customer session is no staff key', async () => {
      const anon = await get('/dashboard');
      assert.equal(anon.status, 303);
      assert.equal(anon.headers.location, '/dashboard/login');
      assert.equal((await get('/dashboard', customerCookie)).status, 303);
      assert.equal((await get('/dashboard', `fq_staff=${customerCookie.slice('fq_session='.length)}`)).status, 303);
      const login = await get('/dashboard/login');
      assert.equal(login.status, 200);
      assert.match(login.body, /<label for="key">API 密钥<\/label>/);
      assert.doesNotMatch(login.body, /<script/i);
    });

    it('refuses a wrong key and an agent key; an auditor logs in with a strict, HttpOnly cookie', async () => {
      assert.equal((await post('/dashboard/login', { key: 'fqk_not-a-real-key-000000' })).status, 401);
      const agent = await post('/dashboard/login', { key: keys.agent });
      assert.equal(agent.status, 403);
      assert.equal(agent.headers['set-cookie'], undefined);
      assert.equal((await get('/dashboard', staffCookie('agent'))).status, 403);
      const auditor = await post('/dashboard/login', { key: keys.auditor });
      assert.equal(auditor.status, 303);
      const cookie = String(auditor.headers['set-cookie']);
      assert.match(cookie, /^fq_staff=fqt_/, 'the cookie carries a staff session, not the key');
      assert.ok(!cookie.includes(keys.auditor));
      assert.equal((await get('/dashboard', `fq_staff=${keys.auditor}`)).status, 303, 'a key pasted into the cookie is no session');
      assert.match(cookie, /Path=\/dashboard/);
      assert.match(cookie, /SameSite=Strict/);
      assert.match(cookie, /HttpOnly/);
    });

    it('computes outstanding principal from the ledger, equal to the installments sub-ledger', async () => {
      const data = await loadDashboard(t.deps.db, '2026-02-08');
      const sub = await sql<{ fen: number }>`select sum(principal_fen - paid_principal_fen - waived_principal_fen)::bigint as fen from installments`.execute(t.deps.db);
      assert.equal(data.outstanding.at(-1)!.date, '2026-02-08');
      assert.equal(data.outstanding.at(-1)!.fen, sub.rows[0]!.fen);
      assert.equal(data.outstanding.at(-1)!.fen, 450000 + 600000 - 50000);
      // The window starts mid-history: its first point carries the balance from before it.
      assert.equal(data.outstanding[0]!.date, '2026-01-10');
      assert.equal(data.outstanding[0]!.fen, 450000 + 600000);
      assert.deepEqual(data.collections, [{ date: '2026-02-08', principal: 50000, interest: 0, fee: 3600, penalty: 0 }]);
    });

    it('rebuilds delinquency at each month end and the vintage curves from due and settlement dates', async () => {
      const data = await loadDashboard(t.deps.db, '2026-02-08', 30, 3);
      assert.deepEqual(data.delinquency.map((m) => [m.month, m.at, m.plans, m.late['1-30'], m.late['31-60']]), [
        ['2025-12', '2025-12-31', 1, 0, 0],
        ['2026-01', '2026-01-31', 2, 1, 0], // C's first installment, due 2026-01-10: 21 days late
        ['2026-02', '2026-02-08', 2, 1, 0], // 29 days late, still in the first bucket
      ]);
      assert.deepEqual(data.vintages.map((v) => [v.cohort, v.points.map((p) => `${p.mob}:${p.overdue}/${p.plans}`)]), [
        ['2025-12', ['1:0/1', '2:1/1', '3:1/1']],
        ['2026-01', ['1:0/1', '2:0/1']],
      ]);
    });

    it('shows every chart as an accessible SVG with its table, in Chinese and in English', async () => {
      const page = await get('/dashboard', staffCookie('auditor'));
      assert.equal(page.status, 200);
      assert.match(String(page.headers['content-security-policy']), /default-src 'none'/);
      assert.doesNotMatch(page.body, /<script|style="/i);
      for (const id of ['outstanding', 'collections', 'delinquency', 'vintages']) {
        assert.match(page.body, new RegExp(`<svg class="chart"[^>]*role="img" aria-labelledby="${id}-t ${id}-d"`), id);
        assert.match(page.body, new RegExp(`<figure class="chart-box" id="${id}">[\\s\\S]*?<details class="data"><summary>查看数据表</summary>`), id);
      }
      assert.match(page.body, /<title id="outstanding-t">在贷本金余额<\/title>/);
      assert.match(page.body, new RegExp(`data-testid="kpi-outstanding">在贷本金余额<b>${yuan(1000000).replace(/[$.]/g, '\\$&')}</b>`));
      assert.match(page.body, /商城 App/);
      const en = await get('/dashboard?lang=en', staffCookie('auditor'));
      assert.match(en.body, /<title id="vintages-t">Vintage curves/);
    });

    it('lets an auditor read entrances but not act, even by posting the form', async () => {
      const page = await get('/dashboard/entrances', staffCookie('auditor'));
      assert.equal(page.status, 200);
      assert.match(page.body, /只读（审计）/);
      assert.doesNotMatch(page.body, /<form class="inline"|宣布事件/);
      const tried = await post('/dashboard/entrances/store-app/status', { status: 'closed', reason: 'auditor tries' }, staffCookie('auditor'));
      assert.equal(tried.status, 403);
      assert.match(tried.body, /forbidden/);
      const row = await t.deps.db.selectFrom('entrances').select('status').where('code', '=', 'store-app').executeTakeFirstOrThrow();
      assert.equal(row.status, 'open');
    });

    it('lets an operator close an entrance and declare and end an incident, each recorded in the audit log', async () => {
      const closed = await post('/dashboard/entrances/store-app/status', { status: 'closed', reason: 'app retired' }, staffCookie('operator'));
      assert.equal(closed.status, 303, closed.body);
      assert.equal((await t.deps.db.selectFrom('entrances').select('status').where('code', '=', 'store-app').executeTakeFirstOrThrow()).status, 'closed');
      assert.equal((await post('/dashboard/incidents', { title: 'SMS carried a broken link' }, staffCookie('operator'))).status, 303);
      const page = await get('/dashboard/entrances', staffCookie('operator'));
      assert.match(page.body, /SMS carried a broken link/);
      const id = /action="\/dashboard\/incidents\/([0-9a-f-]{36})\/end"/.exec(page.body)?.[1];
      assert.ok(id, 'an open incident has an end button');
      assert.equal((await post(`/dashboard/incidents/${id}/end`, {}, staffCookie('operator'))).status, 303);
      const audit = await t.deps.db.selectFrom('audit_log').select('action').where('actor', 'like', 'staff:%').execute();
      const actions = audit.map((a) => a.action);
      assert.ok(actions.some((a) => a.includes('entrance')), JSON.stringify(actions));
      assert.ok(actions.some((a) => a.includes('incident')), JSON.stringify(actions));
      const bad = await post('/dashboard/entrances/store-app/status', { status: 'closed' }, staffCookie('operator'));
      assert.equal(bad.status, 400);
    });

    it('refuses a cross-site post and logs out', async () => {
      const r = await t.app.inject({ method: 'POST', url: '/dashboard/incidents', payload: 'title=evil+one', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: staffCookie('operator'), origin: 'https://evil.example', host: 'localhost' } });
      assert.equal(r.statusCode, 403);
      const out = await post('/dashboard/logout', {}, staffCookie('operator'));
      assert.equal(out.status, 303);
      assert.match(String(out.headers['set-cookie']), /fq_staff=; Path=\/dashboard; SameSite=Strict; Max-Age=0/);
      assert.equal((await get('/dashboard', staffCookie('operator'))).status, 303, 'the signed-out session no longer opens the dashboard');
    });
  });
}
