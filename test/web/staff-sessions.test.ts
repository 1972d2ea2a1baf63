import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { createApiKey } from '../../src/app/admin/create-api-key.ts';
import { hashToken } from '../../src/adapters/http/auth.ts';
import { STAFF_SESSION_TTL_MS } from '../../src/app/staff/start-staff-session.ts';
import { buy, getPage, postForm, staffSignIn } from './support.ts';

/**
 * Staff sessions of the console and the dashboard: the browser holds a session token bound to
 * the API key, never the key; it acts with the key's role on the pages and on the API, and it
 * ends at sign-out, after twelve hours, and the moment its key is revoked.
 */
for (const target of testDatabases()) {
  describe(`staff sessions on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    const keys: Record<'operator' | 'agent' | 'auditor', { keyId: string; token: string }> = {} as never;
    const page = async (url: string, cookie: string) => (await getPage(t, url, cookie)).status;
    const signInStatus = async (surface: string, key: string) => (await postForm(t, `/${surface}/login`, { key })).status;
    const sessionRows = async () => t.deps.db.selectFrom('staff_sessions').selectAll().execute();

    before(async () => {
      t = await startTestApp(target, {}, '2026-01-05');
      store = await seedTestStore(t);
      for (const role of ['operator', 'agent', 'auditor'] as const) keys[role] = await t.run((ctx) => createApiKey(ctx, { role, name: `${role} key` }));
    });
    after(async () => { await t.close(); });

    it('stores only the token hash, bound to the key, and records the sign-in in the audit log', async () => {
      const before = (await sessionRows()).length;
      const token = await staffSignIn(t, 'dashboard', keys.operator.token);
      const rows = await sessionRows();
      assert.equal(rows.length, before + 1);
      const row = rows.find((r) => r.token_hash === hashToken(token));
      assert.ok(row, 'the session is stored by its hash');
      assert.equal(row.api_key_id, keys.operator.keyId);
      assert.equal(row.surface, 'dashboard');
      assert.ok(!JSON.stringify(rows).includes(token) && !JSON.stringify(rows).includes(keys.operator.token), 'neither token nor key is stored');
      assert.equal(new Date(row.expires_at).getTime() - new Date(row.created_at).getTime(), STAFF_SESSION_TTL_MS);
      const audit = await t.deps.db.selectFrom('audit_log').select(['actor', 'action', 'target']).where('action', '=', 'staff.sign_in').execute();
      assert.ok(audit.some((a) => a.actor === `staff:${keys.operator.keyId}:operator` && a.target === `api_key:${keys.operator.keyId}`), JSON.stringify(audit));
    });

    it('refuses merchant keys, unknown keys and roles not allowed on the surface, creating no session', async () => {
      const before = (await sessionRows()).length;
      const merchantKey = await t.run((ctx) => createApiKey(ctx, { role: 'merchant', merchantId: store.merchantId, name: 'shop' }));
      assert.equal(await signInStatus('dashboard', merchantKey.token), 401);
      assert.equal(await signInStatus('console', merchantKey.token), 401);
      assert.equal(await signInStatus('dashboard', 'fqk_not-a-real-key-000000'), 401);
      assert.equal(await signInStatus('dashboard', keys.agent.token), 403, 'agents work in the console, not the dashboard');
      assert.equal((await sessionRows()).length, before);
    });

    it('acts on the API with the key\'s role and idempotency scope', async () => {
      const token = await staffSignIn(t, 'dashboard', keys.auditor.token);
      const read = await t.api('GET', '/v1/admin/audit-log', { token });
      assert.equal(read.status, 200);
      const write = await t.api('POST', '/v1/admin/incidents', { token, body: { title: 'not for auditors', scope: { partnerIds: [], productIds: [], merchantIds: [], planIds: [] } } });
      assert.equal(write.status, 403, 'an auditor\'s session may not write, as the key may not');
      const op = await staffSignIn(t, 'dashboard', keys.operator.token);
      const body = { title: '短信链接错误', scope: { partnerIds: [], productIds: [], merchantIds: [], planIds: [] } };
      const first = await t.api('POST', '/v1/admin/incidents', { token: op, key: 'inc-1', body });
      assert.equal(first.status, 201, JSON.stringify(first.body));
      const replay = await t.api('POST', '/v1/admin/incidents', { token: keys.operator.token, key: 'inc-1', body });
      assert.deepEqual(replay.body, first.body, 'the session and its key share one idempotency scope');
    });

    it('is not a customer session, and a customer session is not a staff session', async () => {
      const plan = await buy(t, store, '13800138111', 'ei-12', '6000.00', 'S-1', 'Xiaomi 15');
      const customer = await sessionFor(t, plan.customerId);
      assert.equal(await page('/dashboard', `fq_staff=${customer}`), 303);
      const staff = await staffSignIn(t, 'console', keys.agent.token);
      assert.equal((await t.api('GET', '/v1/me/bills', { token: staff })).status, 403);
    });

    it('ends at sign-out wherever a copy of the cookie is', async () => {
      const token = await staffSignIn(t, 'console', keys.agent.token);
      assert.equal(await page('/console', `fq_console=${token}`), 200);
      const out = await postForm(t, '/console/logout', {}, `fq_console=${token}`);
      assert.equal(out.status, 303);
      assert.equal(await page('/console', `fq_console=${token}`), 303);
      assert.equal((await t.api('GET', '/v1/admin/audit-log', { token })).status, 401);
      const audit = await t.deps.db.selectFrom('audit_log').select('actor').where('action', '=', 'staff.sign_out').execute();
      assert.ok(audit.some((a) => a.actor === `staff:${keys.agent.keyId}:agent`));
      // A second sign-out of the ended session is harmless.
      assert.equal((await postForm(t, '/console/logout', {}, `fq_console=${token}`)).status, 303);
    });

    it('ends after twelve hours', async () => {
      const token = await staffSignIn(t, 'dashboard', keys.operator.token);
      t.clock.advance(STAFF_SESSION_TTL_MS - 60_000);
      assert.equal(await page('/dashboard', `fq_staff=${token}`), 200);
      t.clock.advance(60_000);
      assert.equal(await page('/dashboard', `fq_staff=${token}`), 303);
    });

    it('ends the moment its key is revoked', async () => {
      const key = await t.run((ctx) => createApiKey(ctx, { role: 'operator', name: 'leaving operator' }));
      const a = await staffSignIn(t, 'dashboard', key.token);
      const b = await staffSignIn(t, 'console', key.token);
      assert.equal(await page('/dashboard', `fq_staff=${a}`), 200);
      const revoked = await t.api('POST', `/v1/admin/api-keys/${key.keyId}/revoke`, { token: t.adminToken, key: `revoke-${key.keyId}`, body: {} });
      assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
      assert.equal(await page('/dashboard', `fq_staff=${a}`), 303);
      assert.equal(await page('/console', `fq_console=${b}`), 303);
      assert.equal(await signInStatus('dashboard', key.token), 401);
    });
  });
}
