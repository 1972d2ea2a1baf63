import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { seedTestStore, type TestStore } from '../support/store.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';

for (const target of testDatabases()) {
  describe(`checkout over HTTP on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    before(async () => { t = await startTestApp(target); store = await seedTestStore(t); });
    after(async () => { await t.close(); });

    it('quotes every offered product for a price', async () => {
      const r = await t.api('GET', '/v1/merchant/quotes?amount=6000.00', { token: store.merchantToken });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.options.length, 5);
      const fee = r.body.options.find((o: any) => o.code === 'fee-12');
      assert.equal(fee.monthlyPayment, '536.00');
      assert.equal(fee.apr, '13.03');
      assert.equal(fee.firstDueDate, '2026-02-10');
      assert.match(fee.label, /^低至 ¥536\.00\/月 × 12期$/);
    });

    it('creates a plan once per idempotency key and refuses a reused order id', async () => {
      const body = { merchantOrderId: 'SO-1', phone: '13800138000', productId: store.products['free-12'], amount: '6000.00' };
      const first = await t.api('POST', '/v1/merchant/plans', { token: store.merchantToken, key: 'k1', body });
      assert.equal(first.status, 201, JSON.stringify(first.body));
      assert.equal(first.body.installments.length, 12);
      assert.equal(first.body.installments[0].dueDate, '2026-02-10');
      assert.equal(first.body.installments[0].total, '500.00');
      const again = await t.api('POST', '/v1/merchant/plans', { token: store.merchantToken, key: 'k1', body });
      assert.equal(again.status, 201);
      assert.deepEqual(again.body, first.body);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      const changed = await t.api('POST', '/v1/merchant/plans', { token: store.merchantToken, key: 'k1', body: { ...body, amount: '6000.01' } });
      assert.equal(changed.status, 409);
      assert.equal(changed.body.code, 'idempotency_key_reused');
      const dup = await t.api('POST', '/v1/merchant/plans', { token: store.merchantToken, key: 'k2', body });
      assert.equal(dup.status, 409);
      assert.equal(dup.body.code, 'merchant_order_exists');
      const report = await checkLedger(t.deps.db);
      assert.ok(report.ok, JSON.stringify(report.failures));
    });

    it('refuses a plan beyond the credit line and changes nothing', async () => {
      const before = await checkLedger(t.deps.db);
      const r = await t.api('POST', '/v1/merchant/plans', { token: store.merchantToken, key: 'k3', body: { merchantOrderId: 'SO-2', phone: '13800138000', productId: store.products['free-12'], amount: '15000.00' } });
      assert.equal(r.status, 422);
      assert.equal(r.body.code, 'credit_line_insufficient');
      assert.equal(r.headers['content-type'], 'application/problem+json; charset=utf-8');
      const after = await checkLedger(t.deps.db);
      assert.deepEqual(after.counts, before.counts);
    });

    it('refuses a product the merchant does not offer, a bad phone, bad money, a missing key', async () => {
      const base = { merchantOrderId: 'SO-3', phone: '13800138001', productId: store.products['fee-12'], amount: '100.00' };
      const cases: [Record<string, unknown>, string | undefined, number, string][] = [
        [{ ...base, productId: '0192f0c8-5c2a-7000-8000-000000000001' }, 'a', 422, 'product_not_offered'],
        [{ ...base, phone: '12345678901' }, 'b', 400, 'validation_failed'],
        [{ ...base, amount: '100.001' }, 'c', 400, 'validation_failed'],
        [{ ...base, amount: '-100.00' }, 'd', 400, 'amount_invalid'],
        [{ ...base, amount: 100 }, 'e', 400, 'validation_failed'],
        [base, undefined, 400, 'validation_failed'],
      ];
      for (const [body, key, status, code] of cases) {
        const r = await t.api('POST', '/v1/merchant/plans', { token: store.merchantToken, ...(key ? { key } : {}), body });
        assert.equal(r.status, status, `${JSON.stringify(body)} → ${JSON.stringify(r.body)}`);
        assert.equal(r.body.code, code);
      }
      const noAuth = await t.api('POST', '/v1/merchant/plans', { key: 'z', body: base });
      assert.equal(noAuth.status, 401);
      const asAdmin = await t.api('POST', '/v1/merchant/plans', { token: t.adminToken, key: 'z', body: base });
      assert.equal(asAdmin.status, 403);
    });
  });
}
