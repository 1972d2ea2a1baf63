import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { pollPaymentsOnce } from '../../src/app/payments/poll-payments.ts';
import { DEFAULT_FAULTS } from '../../src/adapters/gateways/sandbox/faults.ts';
import { cashierPath, paymentRow, postings, sandbox, verdicts } from './support.ts';

for (const target of testDatabases()) {
  describe(`sandbox payments end to end on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    let n = 0;
    before(async () => { t = await startTestApp(target); store = await seedTestStore(t); });
    after(async () => { await sandbox(t).drain(); await t.close(); });
    beforeEach(() => { sandbox(t).faults = { ...DEFAULT_FAULTS, notifyDelayMs: 0 }; });

    async function customer(product = 'fee-12', amount = '6000.00') {
      const plan = await checkout(t, store, `1370013${String(7000 + ++n).padStart(4, '0')}`, product, amount, `P-${n}`);
      return { plan, token: await sessionFor(t, plan.customerId) };
    }
    const pay = (token: string, body: object, key: string) => t.api('POST', '/v1/me/payments', { token, key, body });
    const installment1 = (planId: string) => ({ kind: 'installment', planId, installmentNumber: 1, amount: '536.00', gateway: 'sandbox' });
    const clickPay = async (url: string) => {
      const { outTradeNo, token } = cashierPath(url);
      return t.api('POST', `/sandbox/cashier/${outTradeNo}/pay?t=${token}`, { body: 'b=pay', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    };

    it('starts a payment, shows processing (处理中), refuses a second one, and settles on the notification', async () => {
      const { plan, token } = await customer();
      const r = await pay(token, installment1(plan.id), 'k1');
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.status, 'processing');
      assert.equal(r.body.statusLabel, '处理中');
      assert.equal(r.body.pay.kind, 'redirect');
      assert.match(r.body.pay.url, /\/sandbox\/cashier\/[0-9a-f]{32}\?t=/);

      const again = await pay(token, installment1(plan.id), 'k1');
      assert.equal(again.status, 201);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.equal(again.body.id, r.body.id, 'same Idempotency-Key, same payment');
      const second = await pay(token, { ...installment1(plan.id), amount: '100.00' }, 'k2');
      assert.equal(second.status, 409);
      assert.equal(second.body.code, 'payment_in_flight');
      assert.equal(second.body.paymentId, r.body.id);
      const bill = await pay(token, { kind: 'bill', amount: '536.00', gateway: 'sandbox' }, 'k3');
      assert.equal(bill.body.code, 'payment_in_flight', 'a bill covering the same plan is refused too');

      const { outTradeNo, token: ct } = cashierPath(r.body.pay.url);
      const page = await t.api('GET', `/sandbox/cashier/${outTradeNo}?t=${ct}`);
      assert.equal(page.status, 200);
      assert.match(String(page.body), /支付/);
      assert.equal((await t.api('GET', `/sandbox/cashier/${outTradeNo}?t=wrong`)).status, 404);

      const clicked = await clickPay(r.body.pay.url);
      assert.match(String(clicked.body), /支付成功/);
      await sandbox(t).drain();
      const after = await t.api('GET', `/v1/me/payments/${r.body.id}`, { token });
      assert.equal(after.body.status, 'paid');
      assert.equal(after.body.statusLabel, '已支付');
      assert.ok(after.body.repaymentId);
      assert.equal((await paymentRow(t, r.body.id)).settled_by, 'notification');
      assert.equal(await postings(t, plan.customerId), 1);
      const inst = await t.deps.db.selectFrom('installments').select('settled_on').where('plan_id', '=', plan.id).where('number', '=', 1).executeTakeFirstOrThrow();
      assert.ok(inst.settled_on, 'installment 1 is paid');
      const list = await t.api('GET', '/v1/me/payments', { token });
      assert.equal(list.body.items.length, 1);
      const next = await pay(token, { ...installment1(plan.id), installmentNumber: 2 }, 'k4');
      assert.equal(next.status, 201, 'once settled, the next payment may start');
    });

    it('duplicate callbacks post once', async () => {
      sandbox(t).faults.duplicateCallbacks = 5;
      const { plan, token } = await customer();
      const r = await pay(token, installment1(plan.id), 'd1');
      await clickPay(r.body.pay.url);
      await sandbox(t).drain();
      assert.equal(await postings(t, plan.customerId), 1);
      assert.deepEqual(await verdicts(t, r.body.id), { posted: 1, duplicate: 4 });
    });

    it('a lost callback is recovered by the status poller on its backoff schedule', async () => {
      sandbox(t).faults.lostCallback = true;
      const { plan, token } = await customer();
      const r = await pay(token, installment1(plan.id), 'l1');
      await clickPay(r.body.pay.url);
      await sandbox(t).drain();
      assert.equal((await t.api('GET', `/v1/me/payments/${r.body.id}`, { token })).body.status, 'processing');
      assert.equal((await pollPaymentsOnce(t.deps)).queried, 0, 'not due before its first minute');
      t.clock.advance(61_000);
      const report = await pollPaymentsOnce(t.deps);
      assert.equal(report.settled, 1);
      const row = await paymentRow(t, r.body.id);
      assert.equal(row.status, 'succeeded');
      assert.equal(row.settled_by, 'query');
      assert.equal(await postings(t, plan.customerId), 1);
      // The notification arriving late, or a replay days later, changes nothing.
      t.clock.advance(3 * 86_400_000);
      const late = await sandbox(t).notificationFor(row.out_trade_no);
      const res = await t.app.inject({ method: 'POST', url: '/v1/payments/notify/sandbox', headers: late!.headers as Record<string, string>, payload: late!.rawBody });
      assert.equal(res.body, 'success');
      assert.equal(await postings(t, plan.customerId), 1);
    });

    it('insufficient funds, then a decline, end as failed and free the installment', async () => {
      sandbox(t).faults.insufficientFunds = true;
      const { plan, token } = await customer();
      const r = await pay(token, installment1(plan.id), 'f1');
      assert.match(String((await clickPay(r.body.pay.url)).body), /余额不足/);
      const { outTradeNo, token: ct } = cashierPath(r.body.pay.url);
      await t.api('POST', `/sandbox/cashier/${outTradeNo}/fail?t=${ct}`, { body: 'b=fail', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      const refreshed = await t.api('GET', `/v1/me/payments/${r.body.id}?refresh=true`, { token });
      assert.equal(refreshed.body.status, 'failed');
      assert.equal(await postings(t, plan.customerId), 0);
      assert.equal((await pay(token, installment1(plan.id), 'f2')).status, 201);
    });

    it('a gateway timeout fails the attempt cleanly and the customer may try again', async () => {
      sandbox(t).faults.timeout = true;
      const { plan, token } = await customer();
      const r = await pay(token, installment1(plan.id), 't1');
      assert.equal(r.status, 502);
      assert.equal(r.body.code, 'gateway_unavailable');
      sandbox(t).faults.timeout = false;
      assert.equal((await pay(token, installment1(plan.id), 't2')).status, 201);
    });

    it('an unpaid payment expires after a last query, and its cashier closes', async () => {
      const { plan, token } = await customer();
      const r = await pay(token, installment1(plan.id), 'e1');
      t.clock.advance(2 * 3_600_000 + 1);
      const report = await pollPaymentsOnce(t.deps);
      assert.ok(report.expired >= 1);
      assert.equal((await paymentRow(t, r.body.id)).status, 'expired');
      assert.match(String((await clickPay(r.body.pay.url)).body), /不可支付/);
      assert.equal((await pay(token, installment1(plan.id), 'e2')).status, 201);
    });

    it('money for an installment paid meanwhile by another channel becomes credit balance', async () => {
      const { plan, token } = await customer();
      const r = await pay(token, installment1(plan.id), 'c1');
      // The customer's own channels refuse while the payment is in flight; a bank transfer staff record does not.
      const direct = await t.api('POST', `/v1/admin/customers/${plan.customerId}/repayments`, {
        token: t.adminToken, key: 'direct-1', body: { kind: 'installment', planId: plan.id, installmentNumber: 1, amount: '536.00', channel: 'bank', externalRef: 'BANK-1' },
      });
      assert.equal(direct.status, 201);
      await clickPay(r.body.pay.url);
      await sandbox(t).drain();
      assert.equal((await paymentRow(t, r.body.id)).status, 'succeeded');
      const rows = await t.deps.db.selectFrom('repayments').select(['applied_fen', 'to_credit_balance_fen']).where('customer_id', '=', plan.customerId).orderBy('created_at').execute();
      assert.equal(rows.length, 2);
      assert.equal(rows[1]!.applied_fen, 53600, 'applied to what is owed next');
    });

    it('rejects a forged sandbox notification and posts nothing', async () => {
      const { plan, token } = await customer();
      const r = await pay(token, installment1(plan.id), 'x1');
      const body = JSON.stringify({ out_trade_no: (await paymentRow(t, r.body.id)).out_trade_no, trade_no: 'X', amount_fen: 53600, status: 'paid' });
      const res = await t.app.inject({ method: 'POST', url: '/v1/payments/notify/sandbox', headers: { 'content-type': 'application/json', 'x-sandbox-signature': '0'.repeat(64) }, payload: body });
      assert.equal(res.body, 'fail');
      assert.equal(await postings(t, plan.customerId), 0);
    });

    it('serves a statement file and fault switches to staff', async () => {
      const faults = await t.api('PUT', '/v1/admin/sandbox/faults', { token: t.adminToken, body: { lostCallback: true } });
      assert.equal(faults.status, 200);
      assert.equal(faults.body.lostCallback, true);
      assert.equal((await t.api('PUT', '/v1/admin/sandbox/faults', { body: { lostCallback: true } })).status, 401);
      const date = new Date(t.clock.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
      const csv = await t.api('GET', `/sandbox/statements/${date}`, { token: t.adminToken });
      assert.equal(csv.status, 200);
      assert.match(String(csv.body), /^type,out_trade_no/);
      assert.match(String(csv.body), /payment,[0-9a-f]{32},SBX/);
      const report = await checkLedger(t.deps.db);
      assert.ok(report.ok, JSON.stringify(report.failures));
    });
  });
}
