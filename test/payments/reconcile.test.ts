import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { DEFAULT_FAULTS } from '../../src/adapters/gateways/sandbox/faults.ts';
import { cashierPath, paymentRow, postings, sandbox } from './support.ts';

for (const target of testDatabases()) {
  describe(`reconciliation (对账) against the sandbox statement on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    let n = 0;
    before(async () => { t = await startTestApp(target); store = await seedTestStore(t); });
    after(async () => { await sandbox(t).drain(); await t.close(); });

    async function paid(lost = false) {
      sandbox(t).faults = { ...DEFAULT_FAULTS, notifyDelayMs: 0, lostCallback: lost };
      const plan = await checkout(t, store, `1310013${String(1000 + ++n).padStart(4, '0')}`, 'fee-12', '6000.00', `R-${n}`);
      const token = await sessionFor(t, plan.customerId);
      const r = await t.api('POST', '/v1/me/payments', { token, key: `r-${n}`, body: { kind: 'installment', planId: plan.id, installmentNumber: 1, amount: '536.00', gateway: 'sandbox' } });
      const { outTradeNo } = cashierPath(r.body.pay.url);
      assert.equal(await sandbox(t).pay(outTradeNo), 'paid');
      await sandbox(t).drain();
      return { plan, outTradeNo, paymentId: r.body.id as string };
    }
    const run = (date: string) => t.api('POST', '/v1/admin/reconciliations', { token: t.adminToken, body: { gateway: 'sandbox', date } });

    it('matches, posts what only the statement knows, flags the rest, and re-runs to the same result', async () => {
      const date = '2026-01-05';
      const normal = await paid();
      const lost = await paid(true);
      const mismatch = await paid();
      await t.deps.db.updateTable('sandbox_trades').set({ amount_fen: 53599 }).where('out_trade_no', '=', mismatch.outTradeNo).execute();
      const moved = await paid();
      await t.deps.db.updateTable('sandbox_trades').set({ paid_at: new Date('2026-01-04T10:00:00+08:00') }).where('out_trade_no', '=', moved.outTradeNo).execute();
      const stranger = 'f'.repeat(32);
      await t.deps.db.insertInto('sandbox_trades').values({ out_trade_no: stranger, trade_no: 'SBXSTRANGER', amount_fen: 100, subject: 'x', status: 'paid', created_at: t.clock.now(), paid_at: t.clock.now(), expires_at: t.clock.now() }).execute();

      assert.equal((await paymentRow(t, lost.paymentId)).status, 'pending');
      const first = await run(date);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const r = first.body;
      assert.equal(r.statementPayments, 4);
      assert.equal(r.matched, 1);
      assert.deepEqual(r.recovered.map((l: any) => l.outTradeNo), [lost.outTradeNo]);
      assert.deepEqual(r.notInFenqi.map((l: any) => l.outTradeNo), [stranger]);
      assert.deepEqual(r.amountMismatches.map((l: any) => [l.outTradeNo, l.amountFen, l.fenqiAmountFen]), [[mismatch.outTradeNo, 53599, 53600]]);
      assert.deepEqual(r.notInStatement.map((l: any) => l.outTradeNo), [moved.outTradeNo]);
      assert.equal((await paymentRow(t, lost.paymentId)).settled_by, 'reconciliation');
      for (const c of [normal, lost, mismatch, moved]) assert.equal(await postings(t, c.plan.customerId), 1);

      const second = await run(date);
      assert.deepEqual(second.body, first.body, 're-running a day changes nothing');
      for (const c of [normal, lost, mismatch, moved]) assert.equal(await postings(t, c.plan.customerId), 1);
      const stored = await t.api('GET', `/v1/admin/reconciliations/sandbox/${date}`, { token: t.adminToken });
      assert.equal(stored.body.matched, 1);
      const alerts = await t.api('GET', '/v1/admin/payment-alerts', { token: t.adminToken });
      const kinds = alerts.body.items.map((a: any) => `${a.kind}:${a.outTradeNo}`).sort();
      assert.deepEqual(kinds, [`notification_mismatch:${mismatch.outTradeNo}`, `notification_unknown_order:${stranger}`].sort());
      assert.equal(alerts.body.items.every((a: any) => a.occurrences === 2), true, 'the re-run is the same alert seen twice');
      const ack = await t.api('POST', `/v1/admin/payment-alerts/${alerts.body.items[0].id}/acknowledge`, { token: t.adminToken });
      assert.equal(ack.status, 200);
      assert.equal((await t.api('GET', '/v1/admin/payment-alerts', { token: t.adminToken })).body.items.length, 1);
      const report = await checkLedger(t.deps.db);
      assert.ok(report.ok, JSON.stringify(report.failures));
    });
  });
}
