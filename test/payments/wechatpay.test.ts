import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { setPaymentGateways, sandboxGateway } from '../../src/app/payments/gateways.ts';
import { pollPaymentsOnce } from '../../src/app/payments/poll-payments.ts';
import { WechatPayGateway } from '../../src/adapters/gateways/wechatpay/wechatpay-gateway.ts';
import { platformKeyFromCertificate, platformKeyFromPublicKey } from '../../src/adapters/gateways/wechatpay/config.ts';
import { privateKeyFrom } from '../../src/adapters/gateways/alipay/config.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { flipBase64, rsaKeyPair } from './keys.ts';
import { paymentRow, postings } from './support.ts';
import { APIV3_KEY, APPID, MCHID, PUB_KEY_ID, callbackBody, encryptResource, fakeWechatPay, platformCertificate, signedHeaders, transaction } from './wechat-fake.ts';

const merchant = rsaKeyPair();
const platformPub = rsaKeyPair();
const cert = platformCertificate();
const stranger = rsaKeyPair();

for (const target of testDatabases()) {
  describe(`WeChat Pay API v3 adapter on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    let certSerial: string;
    const fake = fakeWechatPay(merchant.publicPem, platformPub.privatePem, () => t.clock.now());
    const tally = { tried: 0, accepted: 0 };
    let n = 0;
    before(async () => {
      await new Promise<void>((r) => fake.server.listen(0, '127.0.0.1', r));
      // The platform certificate is made now and valid from now: the clock starts the day after.
      t = await startTestApp(target, {}, new Date(Date.now() + 86_400_000).toISOString().slice(0, 10));
      store = await seedTestStore(t);
      const fromCert = platformKeyFromCertificate(cert.certPem);
      certSerial = fromCert[0];
      const gateway = new WechatPayGateway({
        mchid: MCHID, appid: APPID, apiV3Key: Buffer.from(APIV3_KEY), merchantPrivateKey: privateKeyFrom(merchant.privatePem), merchantSerial: '3775B6A45ACD588826D15E583A95F5DD',
        platformKeys: new Map([fromCert, platformKeyFromPublicKey(PUB_KEY_ID, platformPub.publicPem)]),
        baseUrl: `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`, timeoutMs: 2_000,
      }, () => t.clock.now());
      setPaymentGateways(t.deps, { sandbox: sandboxGateway(t.deps), wechatpay: gateway });
    });
    after(async () => { process.stdout.write(`# wechatpay forgeries tried ${tally.tried}, accepted ${tally.accepted}\n`); await t.close(); await new Promise((r) => fake.server.close(r)); });

    async function wechatPayment() {
      const plan = await checkout(t, store, `1330013${String(3000 + ++n).padStart(4, '0')}`, 'fee-12', '6000.00', `W-${n}`);
      const token = await sessionFor(t, plan.customerId);
      const r = await t.api('POST', '/v1/me/payments', { token, key: `w-${n}`, body: { kind: 'installment', planId: plan.id, installmentNumber: 1, amount: '536.00', gateway: 'wechatpay' } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return { plan, payment: r.body, row: await paymentRow(t, r.body.id), token };
    }
    const send = (body: string, headers: Record<string, string>) => t.app.inject({ method: 'POST', url: '/v1/payments/notify/wechatpay', headers: { 'content-type': 'application/json', ...headers }, payload: body });
    const byCert = (body: string, at = t.clock.now()) => signedHeaders(body, { key: cert.privatePem, serial: certSerial, at });
    const byPubKey = (body: string, at = t.clock.now()) => signedHeaders(body, { key: platformPub.privatePem, serial: PUB_KEY_ID, at });

    it('creates a Native order (code_url) with a signed request, and settles on a certificate-mode callback', async () => {
      const { plan, payment, row } = await wechatPayment();
      assert.equal(payment.pay.kind, 'qr');
      assert.match(payment.pay.codeUrl, /^weixin:\/\/wxpay\/bizpayurl/);
      assert.equal(fake.trades.get(row.out_trade_no)!.amount.total, 53600, 'amount sent in fen');
      const body = callbackBody(encryptResource(transaction(row.out_trade_no)));
      const res = await send(body, byCert(body));
      assert.equal(res.statusCode, 204);
      assert.equal((await send(body, byCert(body))).statusCode, 204, 'a retry is acknowledged');
      assert.equal(await postings(t, plan.customerId), 1);
    });

    it('settles on a public-key-mode callback', async () => {
      const { plan, row } = await wechatPayment();
      const body = callbackBody(encryptResource(transaction(row.out_trade_no)));
      assert.equal((await send(body, byPubKey(body))).statusCode, 204);
      assert.equal(await postings(t, plan.customerId), 1);
    });

    it('a lost callback is recovered by querying the order', async () => {
      const { plan, row } = await wechatPayment();
      fake.trades.get(row.out_trade_no)!.trade_state = 'SUCCESS';
      t.clock.advance(61_000);
      const report = await pollPaymentsOnce(t.deps);
      assert.equal(report.settled, 1, JSON.stringify(report));
      assert.equal(await postings(t, plan.customerId), 1);
    });

    it('rejects every forgery and mismatch, posts nothing, and alerts on validly signed ones', async () => {
      const { plan, row } = await wechatPayment();
      const good = callbackBody(encryptResource(transaction(row.out_trade_no)));
      const now = t.clock.now();
      const tamperedTag = (() => {
        const r = encryptResource(transaction(row.out_trade_no));
        return callbackBody({ ...r, ciphertext: flipBase64(r.ciphertext) });
      })();
      const flipLast = (b64: string) => { const x = Buffer.from(b64, 'base64'); x[x.length - 1]! ^= 1; return x.toString('base64'); };
      const tagOnly = (() => { const r = encryptResource(transaction(row.out_trade_no)); return callbackBody({ ...r, ciphertext: flipLast(r.ciphertext) }); })();
      const cases: [string, string, Record<string, string>, boolean][] = [
        ['flipped bit in signature', good, { ...byCert(good), 'wechatpay-signature': flipBase64(byCert(good)['wechatpay-signature']!) }, false],
        ['body changed after signing', good.replace('"encrypt-resource"', '"encrypt-resourcE"'), byCert(good), false],
        ['body re-serialised (whitespace)', JSON.stringify(JSON.parse(good), null, 1), byCert(good), false],
        ['signed with the wrong key', good, signedHeaders(good, { key: stranger.privatePem, serial: certSerial, at: now }), false],
        ['signed by the platform key under the other serial', good, signedHeaders(good, { key: platformPub.privatePem, serial: certSerial, at: now }), false],
        ['unknown serial', good, signedHeaders(good, { key: cert.privatePem, serial: '5157F09EFDC096DE15EBE81A47057A72', at: now }), false],
        ['RSA-SHA1 instead of SHA256', good, signedHeaders(good, { key: cert.privatePem, serial: certSerial, at: now, algorithm: 'RSA-SHA1' }), false],
        ['timestamp 6 minutes old', good, byCert(good, new Date(now.getTime() - 6 * 60_000)), false],
        ['timestamp 6 minutes ahead', good, byCert(good, new Date(now.getTime() + 6 * 60_000)), false],
        ['headers missing', good, {}, false],
        ['other signature type', good, { ...byCert(good), 'wechatpay-signature-type': 'WECHATPAY2-SM2-WITH-SM3' }, false],
        ['tampered GCM ciphertext, validly signed', tamperedTag, byCert(tamperedTag), true],
        ['tampered GCM tag, validly signed', tagOnly, byCert(tagOnly), true],
        ...(() => { const b = callbackBody(encryptResource(transaction(row.out_trade_no), 'ffffffffffffffffffffffffffffffff')); return [['encrypted under another APIv3 key', b, byCert(b), true]] as [string, string, Record<string, string>, boolean][]; })(),
        ...(() => { const b = callbackBody({ ...encryptResource(transaction(row.out_trade_no), APIV3_KEY, 'certificate'), associated_data: 'transaction' }); return [['associated_data not the one encrypted with', b, byCert(b), true]] as [string, string, Record<string, string>, boolean][]; })(),
        ...([['wrong mchid', { mchid: '1900000999' }], ['wrong appid', { appid: 'wx0000000000000000' }], ['wrong amount', { amount: { total: 53599, currency: 'CNY' } }],
          ['another currency', { amount: { total: 53600, currency: 'USD' } }], ['unknown order', { out_trade_no: '0'.repeat(32) }]] as [string, object][])
          .map(([name, over]) => { const b = callbackBody(encryptResource(transaction(row.out_trade_no, over as Record<string, unknown>))); return [`${name}, validly signed`, b, byCert(b), true] as [string, string, Record<string, string>, boolean]; }),
      ];
      const seen = async () => (await t.deps.db.selectFrom('alerts').select('occurrences').execute()).reduce((x, a) => x + a.occurrences, 0);
      const alertsBefore = await seen();
      for (const [name, body, headers] of cases) {
        const res = await send(body, headers);
        tally.tried++;
        if (res.statusCode < 300) tally.accepted++;
        assert.equal(res.statusCode, 400, name);
        assert.equal(await postings(t, plan.customerId), 0, name);
      }
      // Alerts with the same cause are one alert seen several times.
      assert.equal(await seen() - alertsBefore, cases.filter((c) => c[3]).length, 'every validly signed refusal is seen by operations');
      assert.equal((await send(good, byCert(good))).statusCode, 204, 'the genuine callback still settles');
      assert.equal(await postings(t, plan.customerId), 1);
      assert.equal(fake.seen.unsigned, 0, 'every request we sent was signed correctly');
      assert.ok((await checkLedger(t.deps.db)).ok);
    });

    it('reconciliation reads the trade bill and posts a payment whose callback and queries were all lost, once', async () => {
      const { plan, row } = await wechatPayment();
      fake.trades.get(row.out_trade_no)!.trade_state = 'SUCCESS';
      const date = new Date(t.clock.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
      const run = () => t.api('POST', '/v1/admin/reconciliations', { token: t.adminToken, body: { gateway: 'wechatpay', date } });
      const first = await run();
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.deepEqual(first.body.recovered.map((l: any) => l.outTradeNo), [row.out_trade_no]);
      assert.equal(first.body.notInFenqi.length + first.body.amountMismatches.length, 0);
      assert.ok(first.body.matched >= 1, 'the payment settled earlier by the status query matches');
      assert.deepEqual((await run()).body, first.body);
      assert.equal(await postings(t, plan.customerId), 1);
    });

    it('an unpaid order is closed at WeChat Pay and expires', async () => {
      const { row } = await wechatPayment();
      t.clock.advance(2 * 3_600_000 + 1_000);
      await pollPaymentsOnce(t.deps);
      assert.equal((await paymentRow(t, row.id)).status, 'expired');
      assert.equal(fake.trades.get(row.out_trade_no)!.trade_state, 'CLOSED');
    });
  });
}
