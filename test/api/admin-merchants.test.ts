import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { seedTestStore, type TestStore } from '../support/store.ts';
import { expectRejected, tokenFor, UNKNOWN_ID } from './admin-support.ts';

for (const target of testDatabases()) {
  describe(`admin: merchants and API keys on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    let operator: string;
    let agent: string;
    before(async () => {
      t = await startTestApp(target);
      store = await seedTestStore(t);
      operator = await tokenFor(t, 'operator');
      agent = await tokenFor(t, 'agent');
    });
    after(async () => { await t.close(); });
    const admin = (method: string, url: string, options: { body?: unknown; key?: string } = {}) => t.api(method, url, { token: t.adminToken, ...options });

    it('creates a merchant, shows the webhook secret once, lists, reads and updates it', async () => {
      const created = await t.api('POST', '/v1/admin/merchants', { token: operator, body: { name: '京东小店', webhookUrl: 'https://shop.example.com/hooks' } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.match(created.body.webhookSecret, /^whsec_/);
      const id = created.body.merchantId;
      const list = await t.api('GET', '/v1/admin/merchants', { token: agent });
      assert.equal(list.status, 200);
      assert.ok(list.body.items.some((m: any) => m.merchantId === id));
      assert.ok(!JSON.stringify(list.body).includes('whsec_'), 'the secret is never listed');
      const got = await t.api('GET', `/v1/admin/merchants/${id}`, { token: agent });
      assert.equal(got.status, 200);
      assert.deepEqual([got.body.name, got.body.products, got.body.activeApiKeys, got.body.pendingDeliveries], ['京东小店', [], 0, 0]);
      const seeded = await t.api('GET', `/v1/admin/merchants/${store.merchantId}`, { token: agent });
      assert.deepEqual(seeded.body.products.map((p: any) => p.code), ['ei-12', 'ep-6', 'fee-12', 'free-12', 'free-3']);
      const patched = await t.api('PATCH', `/v1/admin/merchants/${id}`, { token: operator, body: { webhookUrl: 'http://127.0.0.1:9/hooks' } });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      assert.equal(patched.body.webhookUrl, 'http://127.0.0.1:9/hooks');
      const cleared = await t.api('PATCH', `/v1/admin/merchants/${id}`, { token: operator, body: { webhookUrl: null, name: '京东小店 2' } });
      assert.deepEqual([cleared.body.webhookUrl, cleared.body.name], [null, '京东小店 2']);
      const audit = await admin('GET', `/v1/admin/audit-log?target=merchant:${id}`);
      assert.deepEqual(audit.body.items.map((a: any) => a.action), ['merchant.update', 'merchant.update', 'merchant.create']);
    });

    it('pages merchants with a cursor', async () => {
      for (let i = 0; i < 3; i++) await admin('POST', '/v1/admin/merchants', { body: { name: `page ${i}` } });
      const first = await admin('GET', '/v1/admin/merchants?limit=2');
      assert.equal(first.body.items.length, 2);
      assert.ok(first.body.nextCursor);
      const second = await admin('GET', `/v1/admin/merchants?limit=2&cursor=${first.body.nextCursor}`);
      assert.equal(second.body.items.length, 2);
      assert.ok(second.body.items.every((m: any) => !first.body.items.some((f: any) => f.merchantId === m.merchantId)));
    });

    it('refuses bad merchant input and changes nothing', async () => {
      const m = `/v1/admin/merchants/${store.merchantId}`;
      await expectRejected(t, [
        { name: 'no name', method: 'POST', url: '/v1/admin/merchants', body: {}, status: 400, code: 'validation_failed' },
        { name: 'name not a string', method: 'POST', url: '/v1/admin/merchants', body: { name: 42 }, status: 400, code: 'validation_failed' },
        { name: 'empty name', method: 'POST', url: '/v1/admin/merchants', body: { name: '' }, status: 400, code: 'validation_failed' },
        { name: 'unknown field', method: 'POST', url: '/v1/admin/merchants', body: { name: 'x', secret: 'y' }, status: 400, code: 'validation_failed' },
        { name: 'plain http to a public host', method: 'POST', url: '/v1/admin/merchants', body: { name: 'x', webhookUrl: 'http://shop.example.com/h' }, status: 400, code: 'validation_failed' },
        { name: 'not a URL', method: 'POST', url: '/v1/admin/merchants', body: { name: 'x', webhookUrl: 'shop' }, status: 400, code: 'validation_failed' },
        { name: 'credentials in URL', method: 'POST', url: '/v1/admin/merchants', body: { name: 'x', webhookUrl: 'https://u:p@shop.example.com/h' }, status: 400, code: 'validation_failed' },
        { name: 'agent creates', method: 'POST', url: '/v1/admin/merchants', token: agent, body: { name: 'x' }, status: 403, code: 'forbidden' },
        { name: 'merchant calls admin', method: 'POST', url: '/v1/admin/merchants', token: store.merchantToken, body: { name: 'x' }, status: 403, code: 'forbidden' },
        { name: 'no token', method: 'POST', url: '/v1/admin/merchants', token: null, body: { name: 'x' }, status: 401, code: 'unauthorized' },
        { name: 'bad token', method: 'GET', url: '/v1/admin/merchants', token: 'fqk_nope', status: 401, code: 'unauthorized' },
        { name: 'merchant lists', method: 'GET', url: '/v1/admin/merchants', token: store.merchantToken, status: 403, code: 'forbidden' },
        { name: 'limit too big', method: 'GET', url: '/v1/admin/merchants?limit=100000', status: 400, code: 'validation_failed' },
        { name: 'limit zero', method: 'GET', url: '/v1/admin/merchants?limit=0', status: 400, code: 'validation_failed' },
        { name: 'cursor not a uuid', method: 'GET', url: '/v1/admin/merchants?cursor=abc', status: 400, code: 'validation_failed' },
        { name: 'unknown merchant', method: 'GET', url: `/v1/admin/merchants/${UNKNOWN_ID}`, status: 404, code: 'merchant_not_found' },
        { name: 'id not a uuid', method: 'GET', url: '/v1/admin/merchants/42', status: 400, code: 'validation_failed' },
        { name: 'empty patch', method: 'PATCH', url: m, body: {}, status: 400, code: 'validation_failed' },
        { name: 'patch bad URL', method: 'PATCH', url: m, body: { webhookUrl: 'ftp://x' }, status: 400, code: 'validation_failed' },
        { name: 'patch unknown merchant', method: 'PATCH', url: `/v1/admin/merchants/${UNKNOWN_ID}`, body: { name: 'x' }, status: 404, code: 'merchant_not_found' },
        { name: 'auditor patches', method: 'PATCH', url: m, token: await tokenFor(t, 'auditor'), body: { name: 'x' }, status: 403, code: 'forbidden' },
      ]);
    });

    it('issues a merchant key that works once shown, lists prefixes only, and revokes it at once', async () => {
      const created = await t.api('POST', '/v1/admin/api-keys', { token: operator, body: { role: 'merchant', merchantId: store.merchantId, name: 'pos' } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const { token, keyId, prefix } = created.body;
      assert.ok(token.startsWith(prefix));
      assert.equal((await t.api('GET', '/v1/merchant/quotes?amount=100.00', { token })).status, 200);
      const list = await t.api('GET', `/v1/admin/api-keys?merchantId=${store.merchantId}`, { token: operator });
      assert.equal(list.status, 200);
      assert.ok(list.body.items.some((k: any) => k.keyId === keyId && k.prefix === prefix && k.revokedAt === null));
      assert.ok(!JSON.stringify(list.body).includes(token), 'the token is never listed');
      const revoked = await t.api('POST', `/v1/admin/api-keys/${keyId}/revoke`, { token: operator });
      assert.equal(revoked.status, 200);
      assert.ok(revoked.body.revokedAt);
      assert.equal((await t.api('GET', '/v1/merchant/quotes?amount=100.00', { token })).status, 401);
      const again = await t.api('POST', `/v1/admin/api-keys/${keyId}/revoke`, { token: operator });
      assert.deepEqual([again.status, again.body.revokedAt], [200, revoked.body.revokedAt]);
      const active = await t.api('GET', `/v1/admin/api-keys?merchantId=${store.merchantId}`, { token: operator });
      assert.ok(!active.body.items.some((k: any) => k.keyId === keyId));
      const all = await t.api('GET', `/v1/admin/api-keys?merchantId=${store.merchantId}&includeRevoked=true`, { token: operator });
      assert.ok(all.body.items.some((k: any) => k.keyId === keyId));
    });

    it('takes an Idempotency-Key for a merchant and for an API key: a retry creates nothing and never sees, nor stores, the secret', async () => {
      const body = { name: 'Retry Shop', webhookUrl: 'https://retry.example/hooks' };
      const first = await admin('POST', '/v1/admin/merchants', { key: 'm-retry', body });
      assert.equal(first.status, 201);
      assert.match(first.body.webhookSecret, /\S{20,}/);
      const again = await admin('POST', '/v1/admin/merchants', { key: 'm-retry', body });
      assert.equal(again.status, 201);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.deepEqual(again.body, { ...first.body, webhookSecret: null });
      assert.equal((await t.deps.db.selectFrom('merchants').select('id').where('name', '=', 'Retry Shop').execute()).length, 1);
      const keyBody = { role: 'merchant', merchantId: first.body.merchantId, name: 'checkout' };
      const key = await admin('POST', '/v1/admin/api-keys', { key: 'k-retry', body: keyBody });
      assert.equal(key.status, 201);
      assert.match(key.body.token, /^fqk_/);
      const keyAgain = await admin('POST', '/v1/admin/api-keys', { key: 'k-retry', body: keyBody });
      assert.deepEqual(keyAgain.body, { ...key.body, token: null });
      const keys = await admin('GET', `/v1/admin/api-keys?merchantId=${first.body.merchantId}`);
      assert.equal(keys.body.items.length, 1, 'one key issued');
      const stored = JSON.stringify(await t.deps.db.selectFrom('idempotency_keys').selectAll().execute());
      assert.ok(!stored.includes(first.body.webhookSecret), 'the webhook secret is not in the idempotency store');
      assert.ok(!stored.includes(key.body.token), 'the token is not in the idempotency store');
      const changed = await admin('POST', '/v1/admin/api-keys', { key: 'k-retry', body: { ...keyBody, name: 'other' } });
      assert.equal(changed.status, 409);
    });

    it('lets only an admin issue staff keys, and never revoke the last admin key', async () => {
      const byAdmin = await admin('POST', '/v1/admin/api-keys', { body: { role: 'supervisor', name: 'desk lead' } });
      assert.equal(byAdmin.status, 201);
      const admins = await admin('GET', '/v1/admin/api-keys?role=admin');
      assert.equal(admins.body.items.length, 1);
      await expectRejected(t, [
        { name: 'operator issues a staff key', method: 'POST', url: '/v1/admin/api-keys', token: operator, body: { role: 'admin', name: 'x' }, status: 403, code: 'forbidden' },
        { name: 'operator revokes a staff key', method: 'POST', url: `/v1/admin/api-keys/${byAdmin.body.keyId}/revoke`, token: operator, status: 403, code: 'forbidden' },
        { name: 'last admin key', method: 'POST', url: `/v1/admin/api-keys/${admins.body.items[0].keyId}/revoke`, status: 409, code: 'conflict' },
        { name: 'merchant key without merchant', method: 'POST', url: '/v1/admin/api-keys', body: { role: 'merchant', name: 'x' }, status: 400, code: 'validation_failed' },
        { name: 'staff key with merchant', method: 'POST', url: '/v1/admin/api-keys', body: { role: 'agent', merchantId: store.merchantId, name: 'x' }, status: 400, code: 'validation_failed' },
        { name: 'unknown role', method: 'POST', url: '/v1/admin/api-keys', body: { role: 'root', name: 'x' }, status: 400, code: 'validation_failed' },
        { name: 'unknown merchant', method: 'POST', url: '/v1/admin/api-keys', body: { role: 'merchant', merchantId: UNKNOWN_ID, name: 'x' }, status: 404, code: 'merchant_not_found' },
        { name: 'unknown key', method: 'POST', url: `/v1/admin/api-keys/${UNKNOWN_ID}/revoke`, status: 404, code: 'not_found' },
        { name: 'agent lists keys', method: 'GET', url: '/v1/admin/api-keys', token: agent, status: 403, code: 'forbidden' },
      ]);
      const second = await admin('POST', '/v1/admin/api-keys', { body: { role: 'admin', name: 'second admin' } });
      const revoked = await admin('POST', `/v1/admin/api-keys/${second.body.keyId}/revoke`);
      assert.equal(revoked.status, 200);
    });
  });
}
