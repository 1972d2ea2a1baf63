import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createSign } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { AlipaySdk } from 'alipay-sdk';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { setPaymentGateways, sandboxGateway } from '../../src/app/payments/gateways.ts';
import { pollPaymentsOnce } from '../../src/app/payments/poll-payments.ts';
import { AlipayGateway } from '../../src/adapters/gateways/alipay/alipay-gateway.ts';
import { privateKeyFrom, publicKeyFrom } from '../../src/adapters/gateways/alipay/config.ts';
import { rsaKeyPair } from './keys.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { paymentRow, postings } from './support.ts';

const APP_ID = '2021000000000002';
const app = rsaKeyPair();
const alipay = rsaKeyPair();
const stranger = rsaKeyPair();

/**
 * A stand-in for Alipay's gateway: checks our request signature with alipay-sdk, keeps
 * trades and refunds, and answers with responses signed over the `<method>_response` text.
 */
function fakeAlipay() {
  const trades = new Map<string, { status: string; amount: string }>();
  const refunds = new Map<string, string>();
  const verifier = new AlipaySdk({ appId: APP_ID, privateKey: app.privatePem, alipayPublicKey: app.publicPem, keyType: 'PKCS8' });
  const state = { signingKey: alipay.privatePem, refundCalls: 0 };
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(raw));
      const key = `${params.method!.replace(/\./g, '_')}_response`;
      if (!verifier.checkNotifySignV2(params)) return res.end(JSON.stringify({ [key]: { code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-signature' } }));
      const biz = JSON.parse(params.biz_content!);
      const trade = trades.get(biz.out_trade_no);
      let body: Record<string, string>;
      if (params.method === 'alipay.trade.refund') {
        state.refundCalls++;
        if (!refunds.has(biz.out_request_no)) refunds.set(biz.out_request_no, biz.refund_amount);
        body = { code: '10000', msg: 'Success', trade_no: 'T1', out_trade_no: biz.out_trade_no, refund_fee: refunds.get(biz.out_request_no)!, fund_change: 'Y' };
      } else if (!trade) body = { code: '40004', msg: 'Business Failed', sub_code: 'ACQ.TRADE_NOT_EXIST' };
      else if (params.method === 'alipay.trade.close') { trade.status = 'TRADE_CLOSED'; body = { code: '10000', msg: 'Success' }; } else body = { code: '10000', msg: 'Success', trade_no: `T-${biz.out_trade_no}`, out_trade_no: biz.out_trade_no, trade_status: trade.status, total_amount: trade.amount };
      const text = JSON.stringify(body);
      const sign = createSign('RSA-SHA256').update(text, 'utf8').sign(state.signingKey, 'base64');
      res.setHeader('content-type', 'application/json;charset=utf-8');
      res.end(`{"${key}":${text},"sign":"${sign}"}`);
    });
  });
  return { server, trades, refunds, state };
}

for (const target of testDatabases()) {
  describe(`Alipay query, close and refund against a signed fake gateway on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    let gateway: AlipayGateway;
    const fake = fakeAlipay();
    let n = 0;
    before(async () => {
      await new Promise<void>((r) => fake.server.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}/gateway.do`;
      t = await startTestApp(target);
      store = await seedTestStore(t);
      gateway = new AlipayGateway({ appId: APP_ID, privateKey: privateKeyFrom(app.privatePem), alipayPublicKey: publicKeyFrom(alipay.publicPem), gatewayUrl: url, timeoutMs: 2_000 }, () => t.clock.now());
      setPaymentGateways(t.deps, { sandbox: sandboxGateway(t.deps), alipay: gateway });
    });
    after(async () => { await t.close(); await new Promise((r) => fake.server.close(r)); });

    async function paid(status = 'TRADE_SUCCESS', amount = '536.00') {
      const plan = await checkout(t, store, `1340013${String(4000 + ++n).padStart(4, '0')}`, 'fee-12', '6000.00', `Q-${n}`);
      const token = await sessionFor(t, plan.customerId);
      const r = await t.api('POST', '/v1/me/payments', { token, key: `q-${n}`, body: { kind: 'installment', planId: plan.id, installmentNumber: 1, amount: '536.00', gateway: 'alipay' } });
      const row = await paymentRow(t, r.body.id);
      fake.trades.set(row.out_trade_no, { status, amount });
      return { plan, row };
    }

    it('a payment whose notification never came is settled by the status query', async () => {
      const { plan, row } = await paid();
      t.clock.advance(61_000);
      const report = await pollPaymentsOnce(t.deps);
      assert.equal(report.settled, 1, JSON.stringify(report));
      assert.equal((await paymentRow(t, row.id)).settled_by, 'query');
      assert.equal(await postings(t, plan.customerId), 1);
    });

    it('a query answer signed with the wrong key is not believed', async () => {
      const { plan, row } = await paid();
      fake.state.signingKey = stranger.privatePem;
      t.clock.advance(61_000);
      try {
        assert.equal((await pollPaymentsOnce(t.deps)).unreachable, 1);
      } finally { fake.state.signingKey = alipay.privatePem; }
      assert.equal((await paymentRow(t, row.id)).status, 'pending');
      assert.equal(await postings(t, plan.customerId), 0);
    });

    it('a query reporting another amount posts nothing and raises an alert', async () => {
      const { plan, row } = await paid('TRADE_SUCCESS', '1.00');
      t.clock.advance(61_000);
      assert.equal((await pollPaymentsOnce(t.deps)).mismatch, 1);
      assert.equal(await postings(t, plan.customerId), 0);
      const alert = await t.deps.db.selectFrom('alerts').selectAll().where('out_trade_no', '=', row.out_trade_no).executeTakeFirstOrThrow();
      assert.equal(alert.kind, 'notification_mismatch');
    });

    it('an unpaid order is closed at Alipay and expires', async () => {
      const { row } = await paid('WAIT_BUYER_PAY');
      t.clock.advance(2 * 3_600_000 + 1_000);
      await pollPaymentsOnce(t.deps);
      assert.equal((await paymentRow(t, row.id)).status, 'expired');
      assert.equal(fake.trades.get(row.out_trade_no)!.status, 'TRADE_CLOSED');
    });

    it('refunds with out_request_no: a retried refund refunds once', async () => {
      const { row } = await paid();
      const request = { outTradeNo: row.out_trade_no, outRequestNo: `R${row.out_trade_no.slice(0, 20)}`, amount: 1000, total: 53600, reason: '退货' };
      assert.deepEqual(await gateway.refund(request), { ok: true, gatewayRef: 'T1' });
      assert.deepEqual(await gateway.refund(request), { ok: true, gatewayRef: 'T1' });
      assert.equal(fake.refunds.get(request.outRequestNo), '10.00');
      assert.equal(fake.refunds.size, 1);
      const report = await checkLedger(t.deps.db);
      assert.ok(report.ok, JSON.stringify(report.failures));
    });
  });
}
