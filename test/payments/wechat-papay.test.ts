import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { setPaymentGateways, sandboxGateway } from '../../src/app/payments/gateways.ts';
import { pollPaymentsOnce } from '../../src/app/payments/poll-payments.ts';
import { WechatPayGateway } from '../../src/adapters/gateways/wechatpay/wechatpay-gateway.ts';
import { platformKeyFromPublicKey } from '../../src/adapters/gateways/wechatpay/config.ts';
import { privateKeyFrom } from '../../src/adapters/gateways/alipay/config.ts';
import { flipBase64, rsaKeyPair } from './keys.ts';
import { paymentRow, postings } from './support.ts';
import { APIV3_KEY, APPID, MCHID, PUB_KEY_ID, signedHeaders } from './wechat-fake.ts';
import { PLAN_ID, fakeWechatPapay } from './wechat-papay-fake.ts';
import { autoDebitCustomer } from './autodebit-customer.ts';

for (const target of testDatabases()) {
  describe(`WeChat Pay 委托代扣 (papay v3) through a signed fake on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    const fake = fakeWechatPapay(() => t.clock.now());
    const tally = { tried: 0, accepted: 0 };
    let n = 0;
    before(async () => {
      const url = await fake.listen();
      t = await startTestApp(target);
      store = await seedTestStore(t);
      const gateway = new WechatPayGateway({
        mchid: MCHID, appid: APPID, apiV3Key: Buffer.from(APIV3_KEY), merchantPrivateKey: privateKeyFrom(fake.keys.merchant.privatePem),
        merchantSerial: '3775B6A45ACD588826D15E583A95F5DD', platformKeys: new Map([platformKeyFromPublicKey(PUB_KEY_ID, fake.keys.platform.publicPem)]),
        baseUrl: url, timeoutMs: 2_000,
      }, () => t.clock.now(), { planId: PLAN_ID, displayAccount: 'Fenqi 分期自动还款' });
      setPaymentGateways(t.deps, { sandbox: sandboxGateway(t.deps), wechatpay: gateway });
    });
    after(async () => { process.stdout.write(`# wechatpay papay forgeries tried ${tally.tried}, accepted ${tally.accepted}\n`); await t.close(); await fake.close(); });

    const post = (url: string, m: { body: string; headers: Record<string, string> }) =>
      t.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...m.headers }, payload: m.body });
    const notifyContract = (m: { body: string; headers: Record<string, string> }) => post('/v1/payments/agreements/notify/wechatpay', m);
    const notifyPayment = (m: { body: string; headers: Record<string, string> }) => post('/v1/payments/notify/wechatpay', m);
    const agreement = (id: string) => t.deps.db.selectFrom('autodebit_agreements').selectAll().where('id', '=', id).executeTakeFirstOrThrow() as Promise<any>;
    const lastApply = () => fake.state.requests.filter((r) => r.path === '/v3/papay/pay/transactions/apply').at(-1)!.body;

    /** A customer who asked for WeChat auto-debit: the contract waits to be signed in WeChat. */
    const signing = () => autoDebitCustomer(t, store, `1340034${String(4000 + ++n).padStart(4, '0')}`, `WP-${n}`, 'wechatpay');

    async function signed() {
      const c = await signing();
      const k = fake.signInWallet(c.externalNo);
      assert.equal((await notifyContract(fake.contractNotice(c.externalNo))).statusCode, 204);
      return { ...c, contractId: k.contract_id };
    }

    it('pre-entrust-sign gives the signing page; only the verified ENTRUST.SIGN activates; the deduction is accepted and settles on TRANSACTION.SUCCESS', async () => {
      const c = await signing();
      assert.equal(c.body.status, 'signing');
      assert.match(c.body.signUrl, /^https:\/\/api\.mch\.weixin\.qq\.com\/papay\/entrustweb\/qrcode\?pre_entrustweb_id=/);
      const pre = fake.state.requests.find((r) => r.body.out_contract_code === c.externalNo)!.body;
      assert.deepEqual([pre.sign_scene, pre.plan_id, pre.appid], ['SIGN_SCENE_QRCODE', PLAN_ID, APPID]);
      assert.match(pre.contract_notify_url, /\/v1\/payments\/agreements\/notify\/wechatpay$/);

      assert.equal((await c.at(0, '08:00')).running, 0, 'nothing is debited before the contract is signed');
      const k = fake.signInWallet(c.externalNo);
      const forged = await notifyContract(fake.contractNotice(c.externalNo, { key: rsaKeyPair().privatePem }));
      assert.equal(forged.statusCode, 400);
      assert.equal((await agreement(c.body.id)).status, 'signing');
      assert.equal((await notifyContract(fake.contractNotice(c.externalNo))).statusCode, 204);
      assert.equal((await notifyContract(fake.contractNotice(c.externalNo))).statusCode, 204, 'a repeated notification is acknowledged');
      const row = await agreement(c.body.id);
      assert.deepEqual([row.status, row.agreement_no], ['active', k.contract_id]);

      const first = await c.at(1, '10:00');
      assert.equal(first.running, 1, 'the deduction is accepted, not yet paid');
      const apply = lastApply();
      assert.deepEqual([apply.contract_id, apply.amount.total, apply.amount.currency], [k.contract_id, 53600, 'CNY']);
      assert.match(apply.transaction_notify_url, /\/v1\/payments\/notify\/wechatpay$/);
      assert.equal(await postings(t, c.plan.customerId), 0);
      const payment = await paymentRow(t, (await t.deps.db.selectFrom('payments').select('id').where('out_trade_no', '=', apply.out_trade_no).executeTakeFirstOrThrow()).id);
      assert.notEqual(payment.status, 'succeeded', 'processing (处理中) until WeChat Pay says it is paid');

      const paid = fake.deduct(apply.out_trade_no);
      assert.equal((await notifyPayment(paid)).statusCode, 204);
      assert.equal((await notifyPayment(paid)).statusCode, 204, 'a repeated payment notification posts nothing more');
      assert.equal(await postings(t, c.plan.customerId), 1);
      assert.equal((await c.at(1, '12:00')).running, 0, 'nothing owed: no second deduction');
      const attempts = (await t.api('GET', '/v1/me/autodebit', { token: await sessionFor(t, c.plan.customerId) })).body.attempts;
      assert.deepEqual(attempts.map((a: any) => a.result), ['succeeded'], 'the accepted attempt is closed by its payment');
      assert.equal(fake.state.unsigned, 0, 'every request we sent carried a valid signature');
      const report = await checkLedger(t.deps.db);
      assert.ok(report.ok, JSON.stringify(report.failures));
    });

    it('back from WeChat: the contract query activates it; a deduction that fails for want of balance (PAY_FAIL) is failed by the query and the ladder tries again', async () => {
      const c = await signing();
      const k = fake.signInWallet(c.externalNo); // its ENTRUST.SIGN is lost
      const rec = await t.api('GET', '/v1/me/autodebit', { token: c.token });
      assert.equal(rec.body.agreements[0].status, 'active');
      assert.equal((await agreement(c.body.id)).agreement_no, k.contract_id);

      fake.state.balanceFen = 0;
      assert.equal((await c.at(0, '08:00')).running, 1);
      const failedOrder = lastApply().out_trade_no;
      const failure = fake.deduct(failedOrder);
      assert.equal((await notifyPayment(failure)).statusCode, 204, 'a failed deduction is acknowledged and posts nothing');
      assert.equal(await postings(t, c.plan.customerId), 0);
      t.clock.set(new Date(t.clock.now().getTime() + 61_000));
      await pollPaymentsOnce(t.deps);
      const failedId = (await t.deps.db.selectFrom('payments').select('id').where('out_trade_no', '=', failedOrder).executeTakeFirstOrThrow()).id;
      assert.equal((await paymentRow(t, failedId)).status, 'failed', 'the order query reports PAY_FAIL');

      fake.state.balanceFen = 1_000_000_00;
      assert.equal((await c.at(0, '12:00')).running, 1, 'the next step of the ladder deducts again');
      const second = lastApply().out_trade_no;
      assert.notEqual(second, failedOrder);
      fake.deduct(second); // its notification is lost: the query settles it
      t.clock.set(new Date(t.clock.now().getTime() + 61_000));
      await pollPaymentsOnce(t.deps);
      assert.equal(await postings(t, c.plan.customerId), 1);
      await c.at(0, '20:00');
      const attempts = (await t.api('GET', '/v1/me/autodebit', { token: await sessionFor(t, c.plan.customerId) })).body.attempts.map((a: any) => a.result).reverse();
      assert.deepEqual(attempts, ['failed', 'succeeded']);
    });

    it('ENTRUST.TERMINATE (ended in WeChat) stops the ladder and tells the customer', async () => {
      const c = await signed();
      fake.terminateInWallet(c.externalNo);
      const notice = fake.contractNotice(c.externalNo);
      assert.match(notice.body, /ENTRUST\.TERMINATE/);
      assert.equal((await notifyContract(notice)).statusCode, 204);
      assert.equal((await notifyContract(notice)).statusCode, 204, 'a repeated termination is acknowledged');
      const row = await agreement(c.body.id);
      assert.equal(row.status, 'revoked');
      assert.match(row.end_reason, /TERMINATED USER_TERMINATE/);
      assert.equal(t.sent.filter((s) => s.template === 'autodebit.agreement_revoked' && s.to === c.plan.customerId).length, 1);
      const applies = fake.state.calls.filter((x) => x.endsWith('/transactions/apply')).length;
      const r = await c.at(0, '08:00');
      assert.equal(r.running + r.succeeded + r.agreement_revoked, 0, 'no deduction under an ended contract');
      assert.equal(fake.state.calls.filter((x) => x.endsWith('/transactions/apply')).length, applies);
    });

    it('cancelling in Fenqi terminates the contract at WeChat Pay', async () => {
      const c = await signed();
      const del = await t.api('DELETE', `/v1/me/autodebit/${c.body.id}`, { token: c.token });
      assert.equal(del.status, 200, JSON.stringify(del.body));
      assert.equal(fake.contracts.get(c.externalNo)!.contract_state, 'TERMINATED');
      assert.equal(fake.contracts.get(c.externalNo)!.contract_terminate_info!.contract_termination_mode, 'MCH_API_TERMINATE');
      assert.ok(fake.state.calls.includes(`POST /v3/papay/sign/contracts/plan-id/${PLAN_ID}/out-contract-code/${c.externalNo}/terminate`));
    });

    it('refuses every forged or foreign contract notification, changes nothing, and alerts on validly signed ones', async () => {
      const c = await signing();
      fake.signInWallet(c.externalNo);
      const good = fake.contractNotice(c.externalNo);
      const now = t.clock.now();
      const resign = (body: string) => ({ body, headers: signedHeaders(body, { key: fake.keys.platform.privatePem, serial: PUB_KEY_ID, at: now }) });
      const cases: [string, { body: string; headers: Record<string, string> }, boolean][] = [
        ['flipped bit in signature', { body: good.body, headers: { ...good.headers, 'wechatpay-signature': flipBase64(good.headers['wechatpay-signature']!) } }, false],
        ['body changed after signing', { body: good.body.replace('"encrypt-resource"', '"encrypt-resourcE"'), headers: good.headers }, false],
        ['signed with another key', fake.contractNotice(c.externalNo, { key: rsaKeyPair().privatePem }), false],
        ['unknown serial', { body: good.body, headers: { ...good.headers, 'wechatpay-serial': 'PUB_KEY_ID_0000000000000000000000000000' } }, false],
        ['timestamp 6 minutes old', { body: good.body, headers: signedHeaders(good.body, { key: fake.keys.platform.privatePem, serial: PUB_KEY_ID, at: new Date(now.getTime() - 6 * 60_000) }) }, false],
        ['headers missing', { body: good.body, headers: {} }, false],
        ['tampered GCM ciphertext, validly signed', (() => { const e = JSON.parse(good.body); e.resource.ciphertext = flipBase64(e.resource.ciphertext); return resign(JSON.stringify(e)); })(), true],
        ['encrypted under another APIv3 key', fake.contractNotice(c.externalNo, { apiV3Key: 'ffffffffffffffffffffffffffffffff' }), true],
        ['another merchant', fake.contractNotice(c.externalNo, { over: { mchid: '1900000999' } }), true],
        ['another app', fake.contractNotice(c.externalNo, { over: { appid: 'wx0000000000000000' } }), true],
        ['another contract template', fake.contractNotice(c.externalNo, { over: { plan_id: 99999 } }), true],
        ['no contract_id', fake.contractNotice(c.externalNo, { over: { contract_id: '' } }), true],
        ['not a contract event', fake.contractNotice(c.externalNo, { eventType: 'TRANSACTION.SUCCESS' }), true],
        ['a contract Fenqi never made', fake.contractNotice(c.externalNo, { over: { out_contract_code: '0'.repeat(32) } }), true],
      ];
      const seen = async () => (await t.deps.db.selectFrom('alerts').select('occurrences').execute()).reduce((x, a) => x + a.occurrences, 0);
      const alertsBefore = await seen();
      for (const [name, m] of cases) {
        const res = await notifyContract(m);
        tally.tried++;
        if (res.statusCode < 300) tally.accepted++;
        assert.equal(res.statusCode, 400, name);
        assert.equal((await agreement(c.body.id)).status, 'signing', name);
      }
      assert.equal(await seen() - alertsBefore, cases.filter((x) => x[2]).length, 'every validly signed refusal is seen by operations');
      assert.equal((await notifyContract(good)).statusCode, 204, 'the genuine notification still activates');
      assert.equal((await agreement(c.body.id)).status, 'active');
    });
  });
}
