import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import type { TestApp } from '../support/app.ts';
import { checkout, sessionFor, type TestStore } from '../support/store.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { refreshPayment } from '../../src/app/payments/refresh-payment.ts';
import { cashierPath, paymentRow, postings, sandbox, startQuietSandboxApp, verdicts } from './support.ts';

const N = 50;

/**
 * Exactly-once settlement under concurrency. On PGlite transactions run one at a time, so the
 * figures that matter come from PostgreSQL (FENQI_TEST_DATABASE_URL), where 50 notifications
 * really race over a pool of 20 connections.
 */
for (const target of testDatabases()) {
  describe(`exactly-once payment settlement on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    let n = 0;
    before(async () => { ({ t, store } = await startQuietSandboxApp(target)); });
    after(async () => { await t.close(); });

    /** A payment the customer has paid at the sandbox, whose notification has not come yet. */
    async function paidPayment() {
      const plan = await checkout(t, store, `1360013${String(8000 + ++n).padStart(4, '0')}`, 'fee-12', '6000.00', `X-${n}`);
      const token = await sessionFor(t, plan.customerId);
      const r = await t.api('POST', '/v1/me/payments', { token, key: `x-${n}`, body: { kind: 'installment', planId: plan.id, installmentNumber: 1, amount: '536.00', gateway: 'sandbox' } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const { outTradeNo } = cashierPath(r.body.pay.url);
      assert.equal(await sandbox(t).pay(outTradeNo), 'paid');
      const raw = (await sandbox(t).notificationFor(outTradeNo))!;
      const notify = () => t.app.inject({ method: 'POST', url: '/v1/payments/notify/sandbox', headers: raw.headers as Record<string, string>, payload: raw.rawBody });
      return { plan, paymentId: r.body.id as string, notify };
    }

    it(`${N} concurrent duplicate notifications make exactly one posting and all are answered success`, async () => {
      const { plan, paymentId, notify } = await paidPayment();
      const replies = await Promise.all(Array.from({ length: N }, notify));
      assert.deepEqual(replies.map((r) => `${r.statusCode} ${r.body}`), Array(N).fill('200 success'));
      assert.equal(await postings(t, plan.customerId), 1);
      assert.deepEqual(await verdicts(t, paymentId), { posted: 1, duplicate: N - 1 });
      const journal = await t.deps.db.selectFrom('journal_entries').select('id').where('customer_id', '=', plan.customerId).where('kind', '=', 'repayment').execute();
      assert.equal(journal.length, 1);
    });

    it('notifications racing the status query make one posting', async () => {
      const { plan, paymentId, notify } = await paidPayment();
      const row = await paymentRow(t, paymentId);
      const racers = Array.from({ length: 20 }, (_, i) => i % 2 === 0 ? notify().then((r) => r.body) : refreshPayment(t.deps, row, 'query'));
      const results = await Promise.all(racers);
      assert.ok(results.every((r) => ['success', 'settled', 'already_settled', 'not_in_flight'].includes(r as string)), JSON.stringify(results));
      assert.equal(await postings(t, plan.customerId), 1);
      assert.equal((await paymentRow(t, paymentId)).status, 'succeeded');
    });

    it('a replay days later posts nothing and is still answered success', async () => {
      const { plan, notify } = await paidPayment();
      assert.equal((await notify()).body, 'success');
      t.clock.advance(10 * 86_400_000);
      await t.setBusinessDate('2026-01-15');
      assert.equal((await notify()).body, 'success');
      assert.equal(await postings(t, plan.customerId), 1);
      const report = await checkLedger(t.deps.db);
      assert.ok(report.ok, JSON.stringify(report.failures));
    });
  });
}
