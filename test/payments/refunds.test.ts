import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { dispatchRefundsOnce } from '../../src/app/payments/refunds/dispatch-refunds.ts';
import { paymentGateways, setPaymentGateways } from '../../src/app/payments/gateways.ts';
import type { PaymentGateway } from '../../src/app/payments/ports.ts';
import { DEFAULT_FAULTS } from '../../src/adapters/gateways/sandbox/faults.ts';
import { cashierPath, sandbox } from './support.ts';

for (const target of testDatabases()) {
  describe(`refunds through the original gateway on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    let n = 0;
    let real: PaymentGateway;
    before(async () => { t = await startTestApp(target); store = await seedTestStore(t); real = paymentGateways(t.deps).sandbox!; });
    after(async () => { await sandbox(t).drain(); await t.close(); });
    beforeEach(() => { sandbox(t).faults = { ...DEFAULT_FAULTS, notifyDelayMs: 0 }; setPaymentGateways(t.deps, { sandbox: real }); });

    /** A customer who paid the first installment through the sandbox gateway (a payment with a trade at the gateway). */
    async function paidThroughGateway(product = 'fee-12', amount = '6000.00', pay = '536.00') {
      await t.setBusinessDate('2026-01-05');
      const plan = await checkout(t, store, `1360013${String(6000 + ++n).padStart(4, '0')}`, product, amount, `RF-${n}`);
      const token = await sessionFor(t, plan.customerId);
      const p = await t.api('POST', '/v1/me/payments', { token, key: `p-${n}`, body: { kind: 'installment', planId: plan.id, installmentNumber: 1, amount: pay, gateway: 'sandbox' } });
      assert.equal(p.status, 201, JSON.stringify(p.body));
      const { outTradeNo, token: ct } = cashierPath(p.body.pay.url);
      await t.api('POST', `/sandbox/cashier/${outTradeNo}/pay?t=${ct}`, { body: 'b=pay', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      await sandbox(t).drain();
      return { plan, token, outTradeNo };
    }
    const refunds = (customerId: string) => t.deps.db.selectFrom('refunds').selectAll().where('customer_id', '=', customerId).orderBy('created_at').execute() as Promise<any[]>;
    const trade = (outTradeNo: string) => t.deps.db.selectFrom('sandbox_trades').selectAll().where('out_trade_no', '=', outTradeNo).executeTakeFirstOrThrow();
    const ret = (planId: string, body: object, key: string) => t.api('POST', `/v1/merchant/plans/${planId}/returns`, { token: store.merchantToken, key, body });
    const assertBooks = async () => { const r = await checkLedger(t.deps.db); assert.ok(r.ok, JSON.stringify(r.failures)); };
    const refundEntries = async (refundId: string) => (await t.deps.db.selectFrom('journal_entries').select('kind').where('reference', 'in', [refundId, `manual:${refundId}`]).execute()).length;

    it('a full return is refunded through the gateway payment: recorded pending, sent once, books balanced', async () => {
      const { plan, outTradeNo } = await paidThroughGateway();
      const r = await ret(plan.id, { kind: 'full', reason: 'returned' }, `r-${n}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.refunded, '536.00');
      assert.equal(r.body.refundChannel, 'sandbox');
      const [leg] = await refunds(plan.customerId);
      assert.equal(leg.status, 'pending', 'no gateway call inside the return transaction');
      assert.equal(leg.out_request_no, leg.id.replace(/-/g, ''));
      assert.equal((await trade(outTradeNo)).refunded_fen, 0);
      await assertBooks();
      assert.deepEqual(await dispatchRefundsOnce(t.deps), { claimed: 1, succeeded: 1, retry: 0, manual: 0, not_pending: 0 });
      assert.equal((await refunds(plan.customerId))[0].status, 'succeeded');
      assert.equal((await trade(outTradeNo)).refunded_fen, 53600);
      t.clock.advance(24 * 3_600_000);
      assert.equal((await dispatchRefundsOnce(t.deps)).claimed, 0);
      assert.equal(await refundEntries(leg.id), 1, 'one journal entry for the refund');
      assert.equal((await t.deps.db.selectFrom('credit_lines').select('credit_balance_fen').where('customer_id', '=', plan.customerId).executeTakeFirstOrThrow()).credit_balance_fen, 0);
      await assertBooks();
    });

    it('a refund dispatched twice (crash after the gateway answered, racing dispatchers) pays once', async () => {
      const { plan, outTradeNo } = await paidThroughGateway();
      assert.equal((await ret(plan.id, { kind: 'full' }, `r-${n}`)).status, 200);
      const [leg] = await refunds(plan.customerId);
      // The dispatcher's call went through and the process died before recording it.
      const first = await real.refund({ outTradeNo, outRequestNo: leg.out_request_no, amount: leg.amount_fen, total: 53600, reason: 'x' });
      assert.equal(first.ok, true);
      const reports = await Promise.all([dispatchRefundsOnce(t.deps), dispatchRefundsOnce(t.deps), dispatchRefundsOnce(t.deps)]);
      assert.equal(reports.reduce((s, r) => s + r.claimed, 0), 1, 'one dispatcher holds the lease');
      assert.equal(reports.reduce((s, r) => s + r.succeeded, 0), 1);
      // The lease runs out and it is sent yet again: already succeeded, nothing moves.
      await t.deps.db.updateTable('refunds').set({ status: 'pending' } as any).where('id', '=', leg.id).execute();
      assert.equal((await dispatchRefundsOnce(t.deps)).claimed, 0, 'not due before its next try');
      t.clock.advance(3_600_000);
      assert.equal((await dispatchRefundsOnce(t.deps)).succeeded, 1);
      const tr = await trade(outTradeNo);
      assert.equal(tr.refunded_fen, 53600, 'the gateway refunded once');
      const atGateway = await t.deps.db.selectFrom('sandbox_refunds').selectAll().where('out_trade_no', '=', outTradeNo).execute();
      assert.equal(atGateway.length, 1);
      assert.equal(await refundEntries(leg.id), 1);
      await assertBooks();
    });

    it('a gateway that does not answer is tried again later; one that refuses turns the refund into a recorded manual payout', async () => {
      const { plan } = await paidThroughGateway();
      assert.equal((await ret(plan.id, { kind: 'full' }, `r-${n}`)).status, 200);
      sandbox(t).faults.timeout = true;
      assert.equal((await dispatchRefundsOnce(t.deps)).retry, 1);
      let [leg] = await refunds(plan.customerId);
      assert.equal(leg.status, 'pending');
      assert.equal(leg.attempts, 1);
      assert.match(leg.failure_reason, /did not answer/);
      sandbox(t).faults.timeout = false;
      const refusing: PaymentGateway = Object.assign(Object.create(real), {
        refund: async () => ({ ok: false as const, reason: 'ACQ.TRADE_HAS_FINISHED the trade is too old to refund', retryable: false }),
      });
      setPaymentGateways(t.deps, { sandbox: refusing });
      t.clock.advance(61_000);
      assert.equal((await dispatchRefundsOnce(t.deps)).manual, 1);
      [leg] = await refunds(plan.customerId);
      assert.deepEqual([leg.status, leg.channel], ['manual', 'manual']);
      assert.match(leg.failure_reason, /too old/);
      const alert = await t.deps.db.selectFrom('alerts').selectAll().where('kind', '=', 'refund_manual').where('dedup_key', '=', `refund-manual:${leg.id}`).execute();
      assert.equal(alert.length, 1);
      t.clock.advance(24 * 3_600_000);
      assert.equal((await dispatchRefundsOnce(t.deps)).claimed, 0);
      const cashManual = await t.deps.db.selectFrom('postings').select('amount_fen').where('customer_id', '=', plan.customerId).where('credit_account', '=', 'cash.manual').execute();
      assert.deepEqual(cashManual.map((p) => p.amount_fen), [53600], 'the gateway cash moved to manual payouts once');
      await assertBooks();
    });

    it('a partial return larger than what is not yet due refunds the overflow through the gateway', async () => {
      const { plan, outTradeNo } = await paidThroughGateway('free-3', '300.00', '100.00');
      const r = await ret(plan.id, { kind: 'partial', amount: '250.00' }, `r-${n}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual([r.body.refunded, r.body.refundChannel], ['50.00', 'sandbox']);
      assert.equal((await dispatchRefundsOnce(t.deps)).succeeded, 1);
      assert.equal((await trade(outTradeNo)).refunded_fen, 5000);
      await assertBooks();
    });

    it('more paid than an installment: the extra goes back through the payment at once (overpayment)', async () => {
      const { plan, outTradeNo } = await paidThroughGateway('fee-12', '6000.00', '600.00');
      const [leg] = await refunds(plan.customerId);
      assert.deepEqual([leg.kind, leg.status, leg.amount_fen, leg.payment_id !== null], ['overpayment', 'pending', 6400, true]);
      assert.equal((await dispatchRefundsOnce(t.deps)).succeeded, 1);
      assert.equal((await trade(outTradeNo)).refunded_fen, 6400);
      await assertBooks();
    });

    it('a plan paid through the gateway and by bank: the gateway part goes back through it, the rest stays credit balance until asked for', async () => {
      const { plan, token, outTradeNo } = await paidThroughGateway();
      const bank = await t.api('POST', `/v1/admin/customers/${plan.customerId}/repayments`, { token: t.adminToken, key: `bank-${n}`, body: { kind: 'installment', planId: plan.id, installmentNumber: 2, amount: '536.00', channel: 'bank', externalRef: `B-${n}` } });
      assert.equal(bank.status, 201, JSON.stringify(bank.body));
      const r = await ret(plan.id, { kind: 'full' }, `r-${n}`);
      assert.deepEqual([r.body.refunded, r.body.refundChannel], ['1072.00', 'mixed']);
      const line = async () => (await t.deps.db.selectFrom('credit_lines').select('credit_balance_fen').where('customer_id', '=', plan.customerId).executeTakeFirstOrThrow()).credit_balance_fen;
      assert.equal(await line(), 53600);
      const cb = await t.api('POST', '/v1/me/credit-balance/refund', { token, key: `cb-${n}`, body: {} });
      assert.equal(cb.status, 201, JSON.stringify(cb.body));
      assert.deepEqual([cb.body.amount, cb.body.channel, cb.body.status], ['536.00', 'sandbox', 'succeeded'], 'the gateway payment is already being refunded in full');
      assert.equal(await line(), 0);
      assert.equal((await dispatchRefundsOnce(t.deps)).succeeded, 1);
      assert.equal((await trade(outTradeNo)).refunded_fen, 53600);
      await assertBooks();
    });

    it('money for a plan paid off meanwhile becomes credit balance and goes back through its payment (overpayment)', async () => {
      await t.setBusinessDate('2026-01-05');
      const plan = await checkout(t, store, `1360013${String(6000 + ++n).padStart(4, '0')}`, 'free-3', '300.00', `RF-${n}`);
      const token = await sessionFor(t, plan.customerId);
      const p = await t.api('POST', '/v1/me/payments', { token, key: `p-${n}`, body: { kind: 'installment', planId: plan.id, installmentNumber: 1, amount: '100.00', gateway: 'sandbox' } });
      const payoff = await t.api('POST', `/v1/admin/customers/${plan.customerId}/repayments`, { token: t.adminToken, key: `bank-${n}`, body: { kind: 'payoff', planId: plan.id, amount: '300.00', channel: 'bank', externalRef: `B-${n}` } });
      assert.equal(payoff.status, 201, JSON.stringify(payoff.body));
      const { outTradeNo, token: ct } = cashierPath(p.body.pay.url);
      await t.api('POST', `/sandbox/cashier/${outTradeNo}/pay?t=${ct}`, { body: 'b=pay', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      await sandbox(t).drain();
      const [leg] = await refunds(plan.customerId);
      assert.deepEqual([leg.kind, leg.status, leg.amount_fen], ['overpayment', 'pending', 10000]);
      assert.equal((await dispatchRefundsOnce(t.deps)).succeeded, 1);
      assert.equal((await trade(outTradeNo)).refunded_fen, 10000);
      assert.equal((await t.deps.db.selectFrom('credit_lines').select('credit_balance_fen').where('customer_id', '=', plan.customerId).executeTakeFirstOrThrow()).credit_balance_fen, 0);
      await assertBooks();
    });
  });
}
