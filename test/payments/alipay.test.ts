import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSign } from 'node:crypto';
import { AlipaySdk } from 'alipay-sdk';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { setPaymentGateways, sandboxGateway } from '../../src/app/payments/gateways.ts';
import { AlipayGateway } from '../../src/adapters/gateways/alipay/alipay-gateway.ts';
import { privateKeyFrom, publicKeyFrom } from '../../src/adapters/gateways/alipay/config.ts';
import { signContent } from '../../src/adapters/gateways/alipay/sign.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { flipBase64, rsaKeyPair } from './keys.ts';
import { postings } from './support.ts';

const APP_ID = '2021000000000001';
const app = rsaKeyPair();
const alipay = rsaKeyPair();
const stranger = rsaKeyPair();

/** Alipay's side, played by the official SDK: it signs with Alipay's private key. */
const signer = (appId = APP_ID, key = alipay.privatePem) => new AlipaySdk({ appId, privateKey: key, alipayPublicKey: alipay.publicPem, keyType: 'PKCS8', signType: 'RSA2' });
/** The SDK as an independent verifier of Alipay's signature (what a merchant using it would accept). */
const sdkVerifier = new AlipaySdk({ appId: APP_ID, privateKey: app.privatePem, alipayPublicKey: alipay.publicPem, keyType: 'PKCS8' });

type Fields = Record<string, string>;
const notifyFields = (outTradeNo: string, over: Fields = {}): Fields => ({
  notify_type: 'trade_status_sync', notify_id: `nid${Date.now()}`, notify_time: '2026-01-05 10:00:00', trade_no: '2026010522001400000000000001',
  out_trade_no: outTradeNo, total_amount: '536.00', receipt_amount: '536.00', trade_status: 'TRADE_SUCCESS', seller_id: '2088000000000001', ...over,
});
/** A notification body signed by alipay-sdk (its signed content keeps sign_type, as rsaCheckV2 expects). */
const sdkSigned = (fields: Fields, appId = APP_ID, key = alipay.privatePem) => signer(appId, key).sdkExecute('alipay.trade.page.pay.notify', fields, { bizContentAutoSnakeCase: false });
/** The documented form: signed over everything but sign and sign_type, with any algorithm. */
function docSigned(fields: Fields, o: { algorithm?: string; signType?: string; key?: string } = {}): string {
  const params: Fields = { app_id: APP_ID, charset: 'utf-8', version: '1.0', ...fields };
  params.sign = createSign(o.algorithm ?? 'RSA-SHA256').update(signContent(params, ['sign', 'sign_type']), 'utf8').sign(o.key ?? alipay.privatePem, 'base64');
  params.sign_type = o.signType ?? 'RSA2';
  return new URLSearchParams(params).toString();
}
const tamper = (body: string, f: (p: URLSearchParams) => void) => { const p = new URLSearchParams(body); f(p); return p.toString(); };
const sdkAccepts = (body: string) => sdkVerifier.checkNotifySignV2(Object.fromEntries(new URLSearchParams(body)));

for (const target of testDatabases()) {
  describe(`Alipay adapter against alipay-sdk on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    let n = 0;
    const tally = { tried: 0, accepted: 0 };
    before(async () => {
      t = await startTestApp(target);
      store = await seedTestStore(t);
      const gateway = new AlipayGateway({ appId: APP_ID, privateKey: privateKeyFrom(app.privatePem), alipayPublicKey: publicKeyFrom(alipay.publicPem), gatewayUrl: 'https://openapi.alipay.test/gateway.do', timeoutMs: 2_000 }, () => t.clock.now());
      setPaymentGateways(t.deps, { sandbox: sandboxGateway(t.deps), alipay: gateway });
    });
    after(async () => { process.stdout.write(`# alipay forgeries tried ${tally.tried}, accepted ${tally.accepted}\n`); await t.close(); });

    async function alipayPayment() {
      const plan = await checkout(t, store, `1350013${String(5000 + ++n).padStart(4, '0')}`, 'fee-12', '6000.00', `A-${n}`);
      const token = await sessionFor(t, plan.customerId);
      const r = await t.api('POST', '/v1/me/payments', { token, key: `a-${n}`, body: { kind: 'installment', planId: plan.id, installmentNumber: 1, amount: '536.00', gateway: 'alipay' } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const row = await t.deps.db.selectFrom('payments').selectAll().where('id', '=', r.body.id).executeTakeFirstOrThrow();
      return { plan, payment: r.body, outTradeNo: row.out_trade_no };
    }
    const notify = (body: string) => t.app.inject({ method: 'POST', url: '/v1/payments/notify/alipay', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, payload: body });

    it('builds a page-pay URL whose RSA2 signature alipay-sdk verifies, amounts in yuan', async () => {
      const { payment, outTradeNo } = await alipayPayment();
      assert.equal(payment.pay.kind, 'redirect');
      const url = new URL(payment.pay.url);
      const params = Object.fromEntries(url.searchParams);
      assert.equal(params.method, 'alipay.trade.page.pay');
      assert.equal(params.sign_type, 'RSA2');
      assert.match(params.notify_url!, /\/v1\/payments\/notify\/alipay$/);
      const biz = JSON.parse(params.biz_content!);
      assert.deepEqual([biz.out_trade_no, biz.total_amount, biz.product_code], [outTradeNo, '536.00', 'FAST_INSTANT_TRADE_PAY']);
      const ours = new AlipaySdk({ appId: APP_ID, privateKey: app.privatePem, alipayPublicKey: app.publicPem, keyType: 'PKCS8' });
      assert.ok(ours.checkNotifySignV2(params), 'alipay-sdk verifies our request signature');
    });

    it('settles on a notification signed by alipay-sdk, answers success, and posts once for its retries', async () => {
      const { plan, payment, outTradeNo } = await alipayPayment();
      const body = sdkSigned(notifyFields(outTradeNo));
      assert.ok(sdkAccepts(body));
      for (let i = 0; i < 3; i++) assert.equal((await notify(body)).body, 'success');
      assert.equal(await postings(t, plan.customerId), 1);
      const view = await t.api('GET', `/v1/me/payments/${payment.id}`, { token: await sessionFor(t, plan.customerId) });
      assert.equal(view.body.status, 'paid');
    });

    it('settles on the documented signature form (without sign_type) and on TRADE_FINISHED', async () => {
      const { plan, outTradeNo } = await alipayPayment();
      const body = docSigned(notifyFields(outTradeNo, { trade_status: 'TRADE_FINISHED' }));
      assert.ok(sdkAccepts(body));
      assert.equal((await notify(body)).body, 'success');
      assert.equal(await postings(t, plan.customerId), 1);
    });

    it('acknowledges but does not post WAIT_BUYER_PAY or TRADE_CLOSED', async () => {
      const { plan, outTradeNo } = await alipayPayment();
      for (const s of ['WAIT_BUYER_PAY', 'TRADE_CLOSED']) assert.equal((await notify(sdkSigned(notifyFields(outTradeNo, { trade_status: s })))).body, 'success');
      assert.equal(await postings(t, plan.customerId), 0);
    });

    it('rejects every forgery and mismatch, posts nothing, and alerts on validly signed ones', async () => {
      const { plan, outTradeNo } = await alipayPayment();
      const good = sdkSigned(notifyFields(outTradeNo));
      const cases: [string, string, boolean][] = [
        ['flipped bit in signature', tamper(good, (p) => p.set('sign', flipBase64(p.get('sign')!))), false],
        ['amount changed after signing', tamper(good, (p) => p.set('total_amount', '5.36')), false],
        ['status changed after signing', docSigned(notifyFields(outTradeNo, { trade_status: 'WAIT_BUYER_PAY' })).replace('WAIT_BUYER_PAY', 'TRADE_SUCCESS'), false],
        ['extra parameter added after signing', `${good}&refund_fee=0.00`, false],
        ['signed with the wrong key', sdkSigned(notifyFields(outTradeNo), APP_ID, stranger.privatePem), false],
        ['signed with our own app key', sdkSigned(notifyFields(outTradeNo), APP_ID, app.privatePem), false],
        ['RSA (SHA1) signature labelled RSA', docSigned(notifyFields(outTradeNo), { algorithm: 'RSA-SHA1', signType: 'RSA' }), false],
        ['RSA (SHA1) signature labelled RSA2', docSigned(notifyFields(outTradeNo), { algorithm: 'RSA-SHA1' }), false],
        ['no signature', tamper(good, (p) => p.delete('sign')), false],
        ['no sign_type', tamper(good, (p) => p.delete('sign_type')), false],
        ['parameter repeated with another value', `${good}&total_amount=5.36`, false],
        ['empty body', '', false],
        ['wrong app_id, validly signed', sdkSigned(notifyFields(outTradeNo), '2021000000009999'), true],
        ['unknown order, validly signed', sdkSigned(notifyFields('0'.repeat(32))), true],
        ['wrong amount, validly signed', sdkSigned(notifyFields(outTradeNo, { total_amount: '535.99' })), true],
        ['unparseable amount, validly signed', sdkSigned(notifyFields(outTradeNo, { total_amount: '5.3.6' })), true],
      ];
      const alertsBefore = await t.deps.db.selectFrom('alerts').select('id').execute();
      for (const [name, body, validlySigned] of cases) {
        const res = await notify(body);
        tally.tried++;
        if (res.body === 'success') tally.accepted++;
        assert.equal(res.body, 'fail', name);
        assert.equal(await postings(t, plan.customerId), 0, name);
        // The official SDK agrees on every signature verdict, except where it is laxer: it honours
        // sign_type=RSA (SHA1) and assumes RSA2 when sign_type is missing; Fenqi refuses both.
        const sdkLaxer = name === 'RSA (SHA1) signature labelled RSA' || name === 'no sign_type';
        assert.equal(sdkAccepts(body), validlySigned || sdkLaxer, `alipay-sdk on: ${name}`);
      }
      const alerts = await t.deps.db.selectFrom('alerts').select(['kind']).execute();
      assert.equal(alerts.length - alertsBefore.length, 4, 'one alert per validly signed refusal');
      assert.equal((await notify(good)).body, 'success', 'the genuine notification still settles afterwards');
      assert.equal(await postings(t, plan.customerId), 1);
      assert.ok((await checkLedger(t.deps.db)).ok);
    });
  });
}
