import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';

/**
 * POST /v1/me/repayments remembers which customer a session token names, and checks the
 * session itself inside the repayment's transaction. A session revoked after the route has
 * seen it must still be refused: 401, nothing posted, not even a replay of an earlier answer.
 */
for (const target of testDatabases()) {
  describe(`repayments with a session revoked after use on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    before(async () => { t = await startTestApp(target); store = await seedTestStore(t); });
    after(async () => { await t.close(); });

    const repaymentsOf = async (customerId: string) =>
      (await t.deps.db.selectFrom('repayments').select('id').where('customer_id', '=', customerId).execute()).length;

    it('logout, then a new repayment and a retry of an old one both get 401; a new session pays', async () => {
      const plan = await checkout(t, store, '13600138001', 'fee-12', '6000.00', 'SES-1');
      const token = await sessionFor(t, plan.customerId);
      const body = { kind: 'amount', planId: plan.id, amount: '10.00' };
      const first = await t.api('POST', '/v1/me/repayments', { token, key: 'before-logout', body });
      assert.equal(first.status, 201, JSON.stringify(first.body));
      const out = await t.api('POST', '/v1/auth/logout', { token });
      assert.ok(out.status < 300, JSON.stringify(out.body));

      const after = await t.api('POST', '/v1/me/repayments', { token, key: 'after-logout', body });
      assert.equal(after.status, 401, JSON.stringify(after.body));
      const retry = await t.api('POST', '/v1/me/repayments', { token, key: 'before-logout', body });
      assert.equal(retry.status, 401, 'a revoked session does not get the stored answer either');
      assert.equal(await repaymentsOf(plan.customerId), 1);
      const key = await t.deps.db.selectFrom('idempotency_keys').select('key').where('key', '=', 'after-logout').execute();
      assert.equal(key.length, 0, 'the refused request left no key behind');

      const fresh = await sessionFor(t, plan.customerId);
      const again = await t.api('POST', '/v1/me/repayments', { token: fresh, key: 'after-logout', body });
      assert.equal(again.status, 201, JSON.stringify(again.body));
      assert.equal(await repaymentsOf(plan.customerId), 2);
      const report = await checkLedger(t.deps.db);
      assert.ok(report.ok, JSON.stringify(report.failures));
    });

    it('an expired session is refused once its time has passed', async () => {
      const plan = await checkout(t, store, '13600138002', 'fee-12', '6000.00', 'SES-2');
      const token = await sessionFor(t, plan.customerId);
      const body = { kind: 'amount', planId: plan.id, amount: '10.00' };
      assert.equal((await t.api('POST', '/v1/me/repayments', { token, key: 'e1', body })).status, 201);
      const { expires_at: expiresAt } = await t.deps.db.selectFrom('sessions').select('expires_at').where('customer_id', '=', plan.customerId).executeTakeFirstOrThrow();
      t.clock.set(new Date(new Date(expiresAt).getTime() + 1000));
      const late = await t.api('POST', '/v1/me/repayments', { token, key: 'e2', body });
      assert.equal(late.status, 401, JSON.stringify(late.body));
      assert.equal(await repaymentsOf(plan.customerId), 1);
    });
  });
}
