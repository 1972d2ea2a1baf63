import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { setPaymentGateways, sandboxGateway } from '../../src/app/payments/gateways.ts';
import { pollPaymentsOnce } from '../../src/app/payments/poll-payments.ts';
import { dispatchRefundsOnce } from '../../src/app/payments/refunds/dispatch-refunds.ts';
import { AlipayGateway } from '../../src/adapters/gateways/alipay/alipay-gateway.ts';
import { privateKeyFrom, publicKeyFrom } from '../../src/adapters/gateways/alipay/config.ts';
import { parseAlipayStatementZip } from '../../src/adapters/gateways/alipay/trade-statement.ts';
import { alipayBillZip, type BillLine } from './alipay-bill.ts';
import { APP_ID, fakeAlipay } from './alipay-fake.ts';
import { paymentRow, postings } from './support.ts';

describe('the Alipay statement archive', () => {
  const lines: BillLine[] = [
    { tradeNo: '2026010522001400001', outTradeNo: 'a'.repeat(32), type: '交易', yuan: '536.00', at: '2026-01-05 10:00:00' },
    { tradeNo: '2026010522001400001', outTradeNo: 'a'.repeat(32), type: '退款', yuan: '36.00', at: '2026-01-05 18:30:00', refundNo: 'b'.repeat(32) },
  ];
  it('reads the GBK 业务明细 file from the zip: payments and refunds in fen, Beijing times', () => {
    const read = parseAlipayStatementZip(alipayBillZip('2026-01-05', lines));
    assert.deepEqual(read.map((l) => [l.type, l.outTradeNo, l.amount, l.at.toISOString(), l.refundNo ?? null]), [
      ['payment', 'a'.repeat(32), 53600, '2026-01-05T02:00:00.000Z', null],
      ['refund', 'a'.repeat(32), 3600, '2026-01-05T10:30:00.000Z', 'b'.repeat(32)],
    ]);
  });
  it('refuses a file whose totals disagree with its lines, and an archive without the detail', () => {
    assert.throws(() => parseAlipayStatementZip(alipayBillZip('2026-01-05', lines, { trades: 2, refunds: 1 })), /交易合计 says 2/);
    assert.throws(() => parseAlipayStatementZip(Buffer.from('not a zip at all, not even close to one')), /zip/);
  });
});

for (const target of testDatabases()) {
  describe(`fenqi reconcile --gateway alipay against a signed fake Alipay on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    const fake = fakeAlipay();
    let n = 0;
    before(async () => {
      const url = await fake.listen();
      t = await startTestApp(target);
      store = await seedTestStore(t);
      const gateway = new AlipayGateway({ appId: APP_ID, privateKey: privateKeyFrom(fake.keys.app.privatePem), alipayPublicKey: publicKeyFrom(fake.keys.alipay.publicPem), gatewayUrl: url, timeoutMs: 2_000 }, () => t.clock.now());
      setPaymentGateways(t.deps, { sandbox: sandboxGateway(t.deps), alipay: gateway });
    });
    after(async () => { await t.close(); await fake.close(); });

    async function started() {
      await t.setBusinessDate('2026-01-05');
      const plan = await checkout(t, store, `1330013${String(3000 + ++n).padStart(4, '0')}`, 'fee-12', '6000.00', `AS-${n}`);
      const token = await sessionFor(t, plan.customerId);
      const r = await t.api('POST', '/v1/me/payments', { token, key: `as-${n}`, body: { kind: 'installment', planId: plan.id, installmentNumber: 1, amount: '536.00', gateway: 'alipay' } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const row = await paymentRow(t, r.body.id);
      fake.trades.set(row.out_trade_no, { status: 'TRADE_SUCCESS', amount: '536.00' });
      return { plan, row };
    }

    it('matches payments and refunds, records what only the statement knows, flags the rest, and re-runs the same', async () => {
      const date = '2026-01-05';
      t.clock.set(new Date(`${date}T10:00:00+08:00`));
      const settled = await started();
      t.clock.advance(61_000);
      assert.equal((await pollPaymentsOnce(t.deps)).settled, 1);
      const lost = await started(); // paid at Alipay; no notification, not yet queried
      // A full return refunds the settled payment through Alipay; the dispatcher's answer is "lost" (never run).
      const ret = await t.api('POST', `/v1/merchant/plans/${settled.plan.id}/returns`, { token: store.merchantToken, key: `ret-${n}`, body: { kind: 'full' } });
      assert.equal(ret.status, 200, JSON.stringify(ret.body));
      assert.equal(ret.body.refundChannel, 'alipay');
      const refund = (await t.deps.db.selectFrom('refunds').selectAll().where('customer_id', '=', settled.plan.customerId).executeTakeFirstOrThrow()) as any;
      const at = '2026-01-05 18:00:00';
      fake.bills.set(date, alipayBillZip(date, [
        { tradeNo: `T-${settled.row.out_trade_no}`, outTradeNo: settled.row.out_trade_no, type: '交易', yuan: '536.00', at: '2026-01-05 10:00:30' },
        { tradeNo: `T-${lost.row.out_trade_no}`, outTradeNo: lost.row.out_trade_no, type: '交易', yuan: '536.00', at },
        { tradeNo: `T-${settled.row.out_trade_no}`, outTradeNo: settled.row.out_trade_no, type: '退款', yuan: '536.00', at, refundNo: refund.out_request_no },
        { tradeNo: `T-${settled.row.out_trade_no}`, outTradeNo: settled.row.out_trade_no, type: '退款', yuan: '12.00', at, refundNo: 'c'.repeat(32) },
      ]));
      const run = () => t.api('POST', '/v1/admin/reconciliations', { token: t.adminToken, body: { gateway: 'alipay', date } });
      const first = await run();
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const r = first.body;
      assert.deepEqual([r.statementPayments, r.statementRefunds, r.matched], [2, 2, 1]);
      assert.deepEqual(r.recovered.map((l: any) => l.outTradeNo), [lost.row.out_trade_no]);
      assert.equal(r.refunds.matched, 0);
      assert.deepEqual(r.refunds.recovered.map((l: any) => l.refundNo), [refund.out_request_no], 'the refund the dispatcher never recorded');
      assert.deepEqual(r.refunds.notInFenqi.map((l: any) => l.refundNo), ['c'.repeat(32)]);
      assert.deepEqual([r.refunds.notInStatement, r.refunds.amountMismatches], [[], []]);
      const row = (await t.deps.db.selectFrom('refunds').selectAll().where('id', '=', refund.id).executeTakeFirstOrThrow()) as any;
      assert.equal(row.status, 'succeeded');
      assert.equal((await dispatchRefundsOnce(t.deps)).claimed, 0, 'nothing left to send');
      assert.equal(await postings(t, lost.plan.customerId), 1);

      const second = await run();
      assert.equal(second.body.refunds.matched, 1, 'the recorded refund now matches');
      assert.deepEqual(second.body.refunds.recovered, []);
      assert.deepEqual([second.body.matched, second.body.recovered.length], [1, 1]);
      assert.equal(await postings(t, lost.plan.customerId), 1, 're-running posts nothing');
      const alerts = await t.deps.db.selectFrom('alerts').select(['dedup_key', 'occurrences']).where('dedup_key', 'like', 'recon-refund:alipay:%').execute();
      assert.deepEqual(alerts.map((a) => [a.dedup_key, a.occurrences]), [[`recon-refund:alipay:${'c'.repeat(32)}:1200`, 2]]);
      assert.equal((await t.api('POST', '/v1/admin/reconciliations', { token: t.adminToken, body: { gateway: 'alipay', date: '2026-01-04' } })).body.statementPayments, 0, 'a day without a statement');
      const report = await checkLedger(t.deps.db);
      assert.ok(report.ok, JSON.stringify(report.failures));
    });

    it('a refund Alipay will not take (trade finished) becomes a manual payout', async () => {
      const s = await started();
      t.clock.advance(61_000);
      await pollPaymentsOnce(t.deps);
      assert.equal((await t.api('POST', `/v1/merchant/plans/${s.plan.id}/returns`, { token: store.merchantToken, key: `ret-${n}`, body: { kind: 'full' } })).status, 200);
      fake.state.refuseRefunds = true;
      try { assert.equal((await dispatchRefundsOnce(t.deps)).manual, 1); } finally { fake.state.refuseRefunds = false; }
      const row = (await t.deps.db.selectFrom('refunds').selectAll().where('customer_id', '=', s.plan.customerId).executeTakeFirstOrThrow()) as any;
      assert.deepEqual([row.status, row.channel], ['manual', 'manual']);
      assert.match(row.failure_reason, /ACQ.TRADE_HAS_FINISHED/);
      const report = await checkLedger(t.deps.db);
      assert.ok(report.ok, JSON.stringify(report.failures));
    });
  });
}
