import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { createPayment } from '../../src/app/payments/create-payment.ts';
import { systemActor } from '../../src/app/context.ts';

/**
 * The "payment in flight" refusal of POST /v1/me/repayments is decided under the customer's
 * lock, in the repayment's own transaction. The race it closes: a gateway payment created by a
 * transaction that holds the customer's lock while the repayment waits for it. A check made
 * before the lock saw no payment and let the repayment pay the same installment twice.
 * PostgreSQL only: PGlite runs one transaction at a time, so the repayment cannot be made to
 * wait on a lock while another transaction works.
 */
for (const target of testDatabases().filter((d) => d.name === 'postgres')) {
  describe(`payment in flight is checked under the customer lock on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    before(async () => { t = await startTestApp(target); store = await seedTestStore(t); });
    after(async () => { await t.close(); });

    /** Until some statement of this test's database waits for a lock (the repayment, queued on the customer's). */
    async function someoneWaits(): Promise<void> {
      for (let i = 0; i < 500; i++) {
        const { rows } = await sql<{ n: number }>`
          select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(t.deps.db);
        if (rows[0]!.n > 0) return;
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.fail('the repayment never waited for the customer lock');
    }

    it('a payment created while the repayment waits for the lock makes it 409 payment_in_flight, and nothing is paid twice', async () => {
      const plan = await checkout(t, store, '13600137001', 'fee-12', '6000.00', 'IFL-1');
      const token = await sessionFor(t, plan.customerId);
      const body = { kind: 'installment', planId: plan.id, installmentNumber: 1, amount: '536.00' };
      let repayment: Promise<{ status: number; body: any }> | undefined;
      const paymentId = await t.deps.db.transaction().execute(async (tx) => {
        await sql`select 1 from credit_lines where customer_id = ${plan.customerId}::uuid for update`.execute(tx);
        repayment = t.api('POST', '/v1/me/repayments', { token, key: 'raced', body });
        await someoneWaits();
        const created = await createPayment({ tx, deps: t.deps, actor: systemActor, at: t.clock.now(), businessDate: '2026-01-05' }, {
          customerId: plan.customerId, target: { kind: 'installment', planId: plan.id, installmentNumber: 1 }, amount: 53_600, gateway: 'sandbox', ttlMs: 15 * 60_000,
        });
        assert.ok(created.ok, JSON.stringify(created));
        return created.value.id;
      });
      const r = await repayment!;
      assert.equal(r.status, 409, JSON.stringify(r.body));
      assert.equal(r.body.code, 'payment_in_flight');
      assert.equal(r.body.paymentId, paymentId);
      const repayments = await t.deps.db.selectFrom('repayments').select('id').where('customer_id', '=', plan.customerId).execute();
      assert.equal(repayments.length, 0, 'nothing posted');
      const key = await t.deps.db.selectFrom('idempotency_keys').select('key').where('key', '=', 'raced').execute();
      assert.equal(key.length, 0, 'the refused request left its key free, as a rolled-back one does');
      const report = await checkLedger(t.deps.db);
      assert.ok(report.ok, JSON.stringify(report.failures));
    });
  });
}
