import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { findOrCreateCustomer } from '../../src/app/customers/find-or-create-customer.ts';
import { ok } from '../../src/core/result.ts';
import { phoneHash } from '../../src/app/secrets.ts';
import { call, codeSentTo, freshIp, freshPhone, logIn, wrongCode } from './customer-auth-support.ts';

for (const target of testDatabases()) {
  describe(`customer login by one-time code on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    before(async () => { t = await startTestApp(target); store = await seedTestStore(t); });
    after(async () => { await t.close(); });

    const customer = async () => {
      const phone = freshPhone();
      const { customerId } = await t.run(async (ctx) => ok(await findOrCreateCustomer(ctx, phone)));
      return { phone, customerId };
    };

    it('texts a 6-digit code, logs in with it, and stores only its hash', async () => {
      const { phone, customerId } = await customer();
      const sent = await call(t, 'POST', '/v1/auth/otp', { body: { phone: `+86 ${phone.slice(0, 3)}-${phone.slice(3)}` } });
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
      assert.deepEqual(sent.body, { expiresInSeconds: 300 });
      const code = codeSentTo(t, phone);
      assert.match(code, /^\d{6}$/);
      const row = await t.deps.db.selectFrom('otp_codes').selectAll().where('phone_hash', '=', phoneHash(t.deps.secret, phone)).executeTakeFirstOrThrow();
      assert.ok(!row.code_hash.includes(code) && row.code_hash.length === 64);

      const r = await call(t, 'POST', '/v1/auth/login', { body: { phone, code } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.customerId, customerId);
      assert.equal(r.body.tokenType, 'Bearer');
      assert.match(r.body.token, /^fqs_/);
      const me = await call(t, 'GET', '/v1/me/account', { token: r.body.token });
      assert.equal(me.status, 200, JSON.stringify(me.body));
      assert.equal(me.body.phone, `${phone.slice(0, 3)}****${phone.slice(-4)}`);
      const audited = await t.deps.db.selectFrom('audit_log').select('ip').where('action', '=', 'customer.login').where('target', '=', `customer:${customerId}`).execute();
      assert.equal(audited.length, 1);
    });

    it('rotates the token at every login and ends the one sent along', async () => {
      const { phone } = await customer();
      const first = await logIn(t, phone);
      t.clock.advance(61_000);
      await call(t, 'POST', '/v1/auth/otp', { body: { phone } });
      const again = await call(t, 'POST', '/v1/auth/login', { body: { phone, code: codeSentTo(t, phone) }, token: first });
      assert.equal(again.status, 200);
      assert.notEqual(again.body.token, first);
      assert.equal((await call(t, 'GET', '/v1/me/account', { token: first })).status, 401);
      assert.equal((await call(t, 'GET', '/v1/me/account', { token: again.body.token })).status, 200);
    });

    it('answers an unknown phone exactly like a customer, texts nothing and creates nothing', async () => {
      const known = await customer();
      const unknown = freshPhone();
      const customers = async () => (await t.deps.db.selectFrom('customers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
      const before = await customers();
      const sentBefore = t.sent.length;
      const a = await call(t, 'POST', '/v1/auth/otp', { body: { phone: known.phone } });
      const b = await call(t, 'POST', '/v1/auth/otp', { body: { phone: unknown } });
      assert.deepEqual([b.status, b.body], [a.status, a.body]);
      assert.equal(t.sent.length, sentBefore + 1);
      const wrongKnown = await call(t, 'POST', '/v1/auth/login', { body: { phone: known.phone, code: wrongCode(codeSentTo(t, known.phone)) } });
      const wrongUnknown = await call(t, 'POST', '/v1/auth/login', { body: { phone: unknown, code: '123456' } });
      assert.deepEqual([wrongUnknown.status, wrongUnknown.body.code, wrongUnknown.body.detail], [wrongKnown.status, wrongKnown.body.code, wrongKnown.body.detail]);
      assert.equal(wrongUnknown.body.code, 'otp_invalid');
      const again = await call(t, 'POST', '/v1/auth/otp', { body: { phone: unknown } });
      assert.equal(again.status, 429, 'the same per-phone limit as for a customer');
      assert.equal(Number(await customers()), Number(before));
    });

    it('locks a code after 5 wrong tries, even against the right code', async () => {
      const { phone } = await customer();
      await call(t, 'POST', '/v1/auth/otp', { body: { phone } });
      const code = codeSentTo(t, phone);
      for (let left = 4; left >= 1; left--) {
        const r = await call(t, 'POST', '/v1/auth/login', { body: { phone, code: wrongCode(code) } });
        assert.equal(r.status, 401);
        assert.equal(r.body.code, 'otp_invalid');
        assert.equal(r.body.attemptsLeft, left);
      }
      const fifth = await call(t, 'POST', '/v1/auth/login', { body: { phone, code: wrongCode(code) } });
      assert.deepEqual([fifth.status, fifth.body.code], [429, 'otp_too_many_attempts']);
      const right = await call(t, 'POST', '/v1/auth/login', { body: { phone, code } });
      assert.deepEqual([right.status, right.body.code], [429, 'otp_too_many_attempts']);
      t.clock.advance(60_000);
      assert.ok(await logIn(t, phone), 'a new code works');
    });

    it('expires a code after 5 minutes', async () => {
      const a = await customer();
      const b = await customer();
      for (const c of [a, b]) await call(t, 'POST', '/v1/auth/otp', { body: { phone: c.phone } });
      t.clock.advance(299_000);
      assert.equal((await call(t, 'POST', '/v1/auth/login', { body: { phone: a.phone, code: codeSentTo(t, a.phone) } })).status, 200);
      t.clock.advance(1_000);
      const late = await call(t, 'POST', '/v1/auth/login', { body: { phone: b.phone, code: codeSentTo(t, b.phone) } });
      assert.deepEqual([late.status, late.body.code], [401, 'otp_expired']);
    });

    it('refuses a code used once already, and a code issued for another purpose', async () => {
      const { phone, customerId } = await customer();
      await call(t, 'POST', '/v1/auth/otp', { body: { phone } });
      const code = codeSentTo(t, phone);
      assert.equal((await call(t, 'POST', '/v1/auth/login', { body: { phone, code } })).status, 200);
      const reuse = await call(t, 'POST', '/v1/auth/login', { body: { phone, code } });
      assert.deepEqual([reuse.status, reuse.body.code], [401, 'otp_invalid']);

      t.clock.advance(60_000);
      const token = await sessionFor(t, customerId);
      assert.equal((await call(t, 'POST', '/v1/auth/reauth/otp', { token })).status, 200);
      const asLogin = await call(t, 'POST', '/v1/auth/login', { body: { phone, code: codeSentTo(t, phone, 'reauth') } });
      assert.equal(asLogin.status, 401, 'a re-authentication code does not log in');
    });

    it('sends one code when requests race, accepts it once, and loses no wrong try', async () => {
      const { phone } = await customer();
      const times = (n: number, f: () => Promise<{ status: number; body: any }>) => Promise.all(Array.from({ length: n }, f));
      const sends = await times(8, () => call(t, 'POST', '/v1/auth/otp', { body: { phone } }));
      assert.deepEqual(sends.map((r) => r.status).sort(), [200, 429, 429, 429, 429, 429, 429, 429]);
      const code = codeSentTo(t, phone);
      const logins = await times(8, () => call(t, 'POST', '/v1/auth/login', { body: { phone, code } }));
      assert.equal(logins.filter((r) => r.status === 200).length, 1);

      const other = await customer();
      await call(t, 'POST', '/v1/auth/otp', { body: { phone: other.phone } });
      const wrong = wrongCode(codeSentTo(t, other.phone));
      const tries = await times(10, () => call(t, 'POST', '/v1/auth/login', { body: { phone: other.phone, code: wrong } }));
      assert.equal(tries.filter((r) => r.body.code === 'otp_invalid').length, 4);
      assert.equal(tries.filter((r) => r.body.code === 'otp_too_many_attempts').length, 6);
      const row = await t.deps.db.selectFrom('otp_codes').select('attempts').where('phone_hash', '=', phoneHash(t.deps.secret, other.phone)).executeTakeFirstOrThrow();
      assert.equal(row.attempts, 5);
    });

    it('limits codes per phone: one a minute and ten a day, with Retry-After', async () => {
      const { phone } = await customer();
      assert.equal((await call(t, 'POST', '/v1/auth/otp', { body: { phone } })).status, 200);
      t.clock.advance(15_000);
      const soon = await call(t, 'POST', '/v1/auth/otp', { body: { phone } });
      assert.deepEqual([soon.status, soon.body.code, soon.headers['retry-after']], [429, 'rate_limited', '45']);
      for (let i = 2; i <= 10; i++) {
        t.clock.advance(60_000);
        assert.equal((await call(t, 'POST', '/v1/auth/otp', { body: { phone } })).status, 200, `code ${i}`);
      }
      t.clock.advance(60_000);
      const eleventh = await call(t, 'POST', '/v1/auth/otp', { body: { phone } });
      assert.equal(eleventh.status, 429);
      assert.equal(Number(eleventh.headers['retry-after']), 86_400 - 15 - 10 * 60);
      t.clock.advance(Number(eleventh.headers['retry-after']) * 1000);
      assert.equal((await call(t, 'POST', '/v1/auth/otp', { body: { phone } })).status, 200);
    });

    it('limits codes per client IP: twenty an hour', async () => {
      const ip = freshIp();
      for (let i = 0; i < 20; i++) {
        assert.equal((await call(t, 'POST', '/v1/auth/otp', { body: { phone: freshPhone() }, ip })).status, 200, `code ${i + 1}`);
      }
      const blocked = await call(t, 'POST', '/v1/auth/otp', { body: { phone: freshPhone() }, ip });
      assert.deepEqual([blocked.status, blocked.body.code, blocked.headers['retry-after']], [429, 'rate_limited', '3600']);
      assert.equal((await call(t, 'POST', '/v1/auth/otp', { body: { phone: freshPhone() } })).status, 200, 'another client is not affected');
      t.clock.advance(3_600_000);
      assert.equal((await call(t, 'POST', '/v1/auth/otp', { body: { phone: freshPhone() }, ip })).status, 200);
    });

    it('refuses malformed input without sending anything', async () => {
      const sentBefore = t.sent.length;
      const cases: [string, object, number][] = [
        ['/v1/auth/otp', { phone: '12345678901' }, 400],
        ['/v1/auth/otp', { phone: 13800138000 }, 400],
        ['/v1/auth/otp', {}, 400],
        ['/v1/auth/login', { phone: '13800138000', code: '12345' }, 400],
        ['/v1/auth/login', { phone: '13800138000', code: 123456 }, 400],
        ['/v1/auth/login', { phone: '13800138000', code: '123456', extra: 1 }, 400],
      ];
      for (const [url, body, status] of cases) {
        const r = await call(t, 'POST', url, { body });
        assert.equal(r.status, status, `${url} ${JSON.stringify(body)} → ${JSON.stringify(r.body)}`);
        assert.equal(r.body.code, 'validation_failed');
      }
      assert.equal(t.sent.length, sentBefore);
    });

    it('documents every identity endpoint in the OpenAPI document', async () => {
      const doc = (await call(t, 'GET', '/openapi.json')).body;
      for (const path of ['/v1/auth/otp', '/v1/auth/login', '/v1/auth/logout', '/v1/auth/logout-all', '/v1/auth/reauth/otp', '/v1/auth/reauth',
        '/v1/me/account/phone/otp', '/v1/me/account/phone', '/v1/me/account/cancel']) assert.ok(doc.paths[path]?.post, path);
      assert.ok(doc.paths['/v1/me/account'].get);
    });

    it('keeps customer tokens and API keys to their own endpoints', async () => {
      const { phone } = await customer();
      const token = await logIn(t, phone);
      assert.equal((await call(t, 'GET', '/v1/merchant/quotes?amount=100.00', { token })).status, 403);
      const order = { merchantOrderId: 'X-1', phone, productId: store.products['free-3'], amount: '300.00' };
      assert.equal((await call(t, 'POST', '/v1/merchant/plans', { token, body: order })).status, 403);
      for (const key of [store.merchantToken, t.adminToken]) {
        assert.equal((await call(t, 'GET', '/v1/me/account', { token: key })).status, 403);
        assert.equal((await call(t, 'POST', '/v1/auth/logout', { token: key })).status, 403);
        assert.equal((await call(t, 'POST', '/v1/me/account/cancel', { token: key })).status, 403);
      }
      assert.equal((await call(t, 'GET', '/v1/me/account')).status, 401);
      assert.equal((await call(t, 'POST', '/v1/auth/reauth', { body: { code: 'x' } })).status, 401, 'authentication before validation');
      assert.equal((await call(t, 'GET', '/v1/me/account', { token: 'fqs_not-a-session' })).status, 401);
    });

    it('ends this session at logout, and every session at logout-all', async () => {
      const a = await customer();
      const other = await customer();
      const [s1, s2, s3] = [await sessionFor(t, a.customerId), await sessionFor(t, a.customerId), await sessionFor(t, a.customerId)];
      const otherToken = await sessionFor(t, other.customerId);
      assert.equal((await call(t, 'POST', '/v1/auth/logout', { token: s1 })).status, 204);
      assert.equal((await call(t, 'GET', '/v1/me/account', { token: s1 })).status, 401);
      assert.equal((await call(t, 'GET', '/v1/me/account', { token: s2 })).status, 200);
      assert.equal((await call(t, 'POST', '/v1/auth/logout-all', { token: s2 })).status, 204);
      for (const s of [s2, s3]) assert.equal((await call(t, 'GET', '/v1/me/account', { token: s })).status, 401);
      assert.equal((await call(t, 'GET', '/v1/me/account', { token: otherToken })).status, 200);
    });

    it('re-authenticates a session with a code sent to the current phone', async () => {
      const { phone, customerId } = await customer();
      const token = await sessionFor(t, customerId);
      t.clock.advance(11 * 60_000);
      const stale = await call(t, 'GET', '/v1/me/account', { token });
      assert.equal(stale.body.reauthenticatedUntil, null);
      assert.equal((await call(t, 'POST', '/v1/auth/reauth/otp', { token })).status, 200);
      const code = codeSentTo(t, phone, 'reauth');
      const wrong = await call(t, 'POST', '/v1/auth/reauth', { token, body: { code: wrongCode(code) } });
      assert.deepEqual([wrong.status, wrong.body.code], [401, 'otp_invalid']);
      const r = await call(t, 'POST', '/v1/auth/reauth', { token, body: { code } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.reauthenticatedUntil, new Date(t.clock.now().getTime() + 600_000).toISOString());
      const fresh = await call(t, 'GET', '/v1/me/account', { token });
      assert.equal(fresh.body.reauthenticatedUntil, r.body.reauthenticatedUntil);
    });
  });
}
