import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AlipaySdk } from 'alipay-sdk';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { setPaymentGateways, sandboxGateway } from '../../src/app/payments/gateways.ts';
import { runAutoDebitsOnce } from '../../src/app/payments/autodebit/run-autodebits.ts';
import { AlipayGateway } from '../../src/adapters/gateways/alipay/alipay-gateway.ts';
import { privateKeyFrom, publicKeyFrom } from '../../src/adapters/gateways/alipay/config.ts';
import { addDays } from '../../src/core/calendar/business-date.ts';
import { APP_ID, fakeAlipay } from './alipay-fake.ts';
import { rsaKeyPair } from './keys.ts';
import { postings } from './support.ts';

for (const target of testDatabases()) {
  describe(`auto-debit (商户代扣) through a signed fake Alipay on ${target.name}`, () => {
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

    const notify = (body: string) => t.app.inject({ method: 'POST', url: '/v1/payments/agreements/notify/alipay', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: body });
    const agreement = (id: string) => t.deps.db.selectFrom('autodebit_agreements').selectAll().where('id', '=', id).executeTakeFirstOrThrow() as Promise<any>;

    /** A customer who asked for auto-debit through Alipay: the agreement waits for signing in the wallet. */
    async function signing() {
      await t.setBusinessDate('2026-01-05');
      const plan = await checkout(t, store, `1320023${String(2000 + ++n).padStart(4, '0')}`, 'fee-12', '6000.00', `AD-${n}`);
      const token = await sessionFor(t, plan.customerId);
      const r = await t.api('POST', '/v1/me/autodebit', { token, body: { planId: plan.id, gateway: 'alipay' } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const externalNo = (r.body.id as string).replace(/-/g, '');
      const at = async (day: number, hhmm: string) => {
        const date = addDays(plan.installments[0].dueDate, day);
        await t.setBusinessDate(date);
        t.clock.set(new Date(`${date}T${hhmm}:00+08:00`));
        return runAutoDebitsOnce(t.deps);
      };
      return { plan, token, body: r.body, externalNo, at };
    }
    const signInWallet = (externalNo: string, agreementNo: string) => fake.agreements.set(externalNo, { agreementNo, status: 'NORMAL' });
    const signNotice = (externalNo: string, agreementNo: string, type = 'dut_user_sign', status = 'NORMAL', key?: string) => fake.notification({
      notify_type: type, notify_id: `N${Math.random()}`, notify_time: '2026-01-05 10:00:00', external_agreement_no: externalNo, agreement_no: agreementNo,
      status, alipay_user_id: '2088101122675263', personal_product_code: 'GENERAL_WITHHOLDING_P', sign_scene: 'INDUSTRY|DEFAULT',
    }, key);

    it('signs on Alipay\'s page (a signed URL), activates on the verified sign notification only, and debits on the due date', async () => {
      const c = await signing();
      assert.equal(c.body.status, 'signing');
      const url = new URL(c.body.signUrl);
      const params = Object.fromEntries(url.searchParams);
      assert.equal(params.method, 'alipay.user.agreement.page.sign');
      const verifier = new AlipaySdk({ appId: APP_ID, privateKey: fake.keys.app.privatePem, alipayPublicKey: fake.keys.app.publicPem, keyType: 'PKCS8' });
      assert.ok(verifier.checkNotifySignV2(params), 'the sign page request carries our valid RSA2 signature (checked by alipay-sdk)');
      assert.equal(JSON.parse(params.biz_content!).external_agreement_no, c.externalNo);
      assert.match(params.notify_url!, /\/v1\/payments\/agreements\/notify\/alipay$/);

      assert.equal((await c.at(0, '08:00')).succeeded, 0, 'nothing is debited before the agreement is signed');
      signInWallet(c.externalNo, '20265405012345678901');
      const forged = await notify(signNotice(c.externalNo, '20265405012345678901', 'dut_user_sign', 'NORMAL', rsaKeyPair().privatePem));
      assert.equal(forged.body, 'fail');
      assert.equal((await agreement(c.body.id)).status, 'signing');
      const real = await notify(signNotice(c.externalNo, '20265405012345678901'));
      assert.equal(real.body, 'success');
      assert.equal((await notify(signNotice(c.externalNo, '20265405012345678901'))).body, 'success', 'a repeated notification is fine');
      const row = await agreement(c.body.id);
      assert.deepEqual([row.status, row.agreement_no], ['active', '20265405012345678901']);

      assert.equal((await c.at(1, '10:00')).succeeded, 1, 'the ladder debits through alipay.trade.pay with the agreement');
      assert.equal(await postings(t, c.plan.customerId), 1);
      assert.equal((await c.at(1, '11:00')).succeeded, 0);
      const report = await checkLedger(t.deps.db);
      assert.ok(report.ok, JSON.stringify(report.failures));
    });

    it('the customer back from the wallet: the agreement query activates it; insufficient funds climbs the ladder', async () => {
      const c = await signing();
      signInWallet(c.externalNo, '20265405099999999999');
      const rec = await t.api('GET', '/v1/me/autodebit', { token: c.token });
      assert.equal(rec.body.agreements[0].status, 'active');
      fake.state.balanceFen = 0;
      try {
        for (const hhmm of ['08:00', '12:00', '20:00']) assert.equal((await c.at(0, hhmm)).insufficient_funds, 1, hhmm);
      } finally { fake.state.balanceFen = 1_000_000_00; }
      assert.equal((await c.at(1, '10:00')).succeeded, 1);
      assert.equal(await postings(t, c.plan.customerId), 1);
      const token = await sessionFor(t, c.plan.customerId);
      const attempts = (await t.api('GET', '/v1/me/autodebit', { token })).body.attempts.map((a: any) => a.result).reverse();
      assert.deepEqual(attempts, ['insufficient_funds', 'insufficient_funds', 'insufficient_funds', 'succeeded']);
    });

    it('revoked in the wallet: the unsign notification stops the ladder and tells the customer; a revocation we missed is found at the debit', async () => {
      const c = await signing();
      signInWallet(c.externalNo, '20265405011111111111');
      assert.equal((await notify(signNotice(c.externalNo, '20265405011111111111'))).body, 'success');
      fake.agreements.get(c.externalNo)!.status = 'STOP';
      assert.equal((await notify(signNotice(c.externalNo, '20265405011111111111', 'dut_user_unsign', 'UNSIGN'))).body, 'success');
      assert.equal((await agreement(c.body.id)).status, 'revoked');
      assert.equal(t.sent.filter((s) => s.template === 'autodebit.agreement_revoked' && s.to === c.plan.customerId).length, 1);
      const r = await c.at(0, '08:00');
      assert.equal(r.succeeded + r.agreement_revoked + r.insufficient_funds, 0, 'no attempt under a revoked agreement');

      const d = await signing();
      signInWallet(d.externalNo, '20265405022222222222');
      assert.equal((await notify(signNotice(d.externalNo, '20265405022222222222'))).body, 'success');
      fake.agreements.get(d.externalNo)!.status = 'STOP'; // its unsign notification is lost
      assert.equal((await d.at(0, '08:00')).agreement_revoked, 1);
      assert.equal((await agreement(d.body.id)).status, 'revoked');
      assert.equal(await postings(t, d.plan.customerId), 0);
    });

    it('cancelling in Fenqi unsigns at Alipay', async () => {
      const c = await signing();
      signInWallet(c.externalNo, '20265405033333333333');
      await notify(signNotice(c.externalNo, '20265405033333333333'));
      const del = await t.api('DELETE', `/v1/me/autodebit/${c.body.id}`, { token: c.token });
      assert.equal(del.status, 200, JSON.stringify(del.body));
      assert.equal(fake.agreements.get(c.externalNo)!.status, 'STOP');
      assert.ok(fake.state.calls.includes('alipay.user.agreement.unsign'));
    });
  });
}
