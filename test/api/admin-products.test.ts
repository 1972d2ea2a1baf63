import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, type TestStore } from '../support/store.ts';
import { expectRejected, tokenFor, UNKNOWN_ID } from './admin-support.ts';

const RULE = { code: 'grace-daily-penalty', graceDays: 5, penaltyDailyRate: '0.05', penaltyBase: 'overdue-principal', penaltyStart: 'after-grace', lateFee: '10.00', capPerInstallment: '200.00', rounding: 'half-up' };
const FEE_6 = {
  code: 'fee-6', name: '6期 0.5%/月', method: 'fee-per-period', terms: 6, monthlyFeeRate: '0.5', aprCap: '24', lateChargeRule: RULE,
  allocationStrategy: 'principal-first', payoffPolicy: { remainingFees: { code: 'charge-n-periods', periods: 1 }, earlyRepaymentFee: { code: 'flat', amount: '50.00' } },
};

for (const target of testDatabases()) {
  describe(`admin: products on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    let operator: string;
    let agent: string;
    before(async () => {
      t = await startTestApp(target);
      store = await seedTestStore(t);
      operator = await tokenFor(t, 'operator');
      agent = await tokenFor(t, 'agent');
    });
    after(async () => { await t.close(); });
    const asOperator = (method: string, url: string, body?: unknown) => t.api(method, url, { token: operator, ...(body !== undefined ? { body } : {}) });
    const quoteCodes = async () => (await t.api('GET', '/v1/merchant/quotes?amount=6000.00', { token: store.merchantToken })).body.options.map((o: any) => `${o.code}@${o.productVersion}`).sort();

    it('defines a product with its servicing rules validated and normalised, money as yuan', async () => {
      const r = await asOperator('POST', '/v1/admin/products', FEE_6);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.version, 1);
      assert.equal(r.body.graceDays, 5);
      assert.equal(r.body.sampleApr, '10.21');
      assert.deepEqual(r.body.lateChargeRule, RULE);
      assert.deepEqual(r.body.payoffPolicy, FEE_6.payoffPolicy);
      assert.equal(r.body.allocationStrategy, 'principal-first');
      const stored = await t.deps.db.selectFrom('products').select(['late_charge_rule', 'payoff_policy']).where('id', '=', r.body.productId).executeTakeFirstOrThrow();
      assert.equal((stored.late_charge_rule as any).lateFee, 1000, 'fen inside');
      assert.equal((stored.payoff_policy as any).earlyRepaymentFee.amount, 5000);
      const defaults = await asOperator('POST', '/v1/admin/products', { code: 'free-6', name: '6期免息', method: 'interest-free', terms: 6, graceDays: 2 });
      assert.equal(defaults.status, 201, JSON.stringify(defaults.body));
      assert.equal(defaults.body.lateChargeRule.graceDays, 2, 'graceDays alone sets the default rule');
      assert.equal(defaults.body.allocationStrategy, 'penalty-fee-interest-principal');
    });

    it('offers a product, publishes a version that new quotes use, lists and reads every version', async () => {
      const id = (await t.api('GET', '/v1/admin/products?method=fee-per-period', { token: agent })).body.items.find((p: any) => p.code === 'fee-6').productId;
      const offered = await asOperator('PUT', `/v1/admin/merchants/${store.merchantId}/products/${id}`);
      assert.deepEqual([offered.status, offered.body.offered], [200, true]);
      assert.ok((await quoteCodes()).includes('fee-6@1'));
      const v2 = await asOperator('POST', `/v1/admin/products/${id}/versions`, { ...FEE_6, code: undefined, monthlyFeeRate: '0.45' });
      assert.equal(v2.status, 201, JSON.stringify(v2.body));
      assert.deepEqual([v2.body.version, v2.body.code, v2.body.monthlyFeeRate], [2, 'fee-6', '0.45']);
      assert.ok((await quoteCodes()).includes('fee-6@2'));
      const detail = await t.api('GET', `/v1/admin/products/${id}`, { token: agent });
      assert.equal(detail.status, 200);
      assert.deepEqual(detail.body.versions.map((v: any) => [v.version, v.monthlyFeeRate]), [[2, '0.45'], [1, '0.5']]);
      assert.deepEqual(detail.body.merchantIds, [store.merchantId]);
      const list = await t.api('GET', '/v1/admin/products', { token: agent });
      assert.equal(list.body.items.filter((p: any) => p.code === 'fee-6').length, 1, 'latest version only');
    });

    it('withdraws a product from a merchant without touching its plans', async () => {
      const plan = await checkout(t, store, '13700137000', 'ep-6', '1200.00', 'P-1');
      const w = await asOperator('DELETE', `/v1/admin/merchants/${store.merchantId}/products/${store.products['ep-6']}`);
      assert.deepEqual([w.status, w.body.offered], [200, false]);
      assert.ok(!(await quoteCodes()).some((c: string) => c.startsWith('ep-6@')));
      const again = await t.api('GET', `/v1/merchant/plans/${plan.id}`, { token: store.merchantToken });
      assert.deepEqual([again.status, again.body.status], [200, 'active']);
      const refused = await t.api('POST', '/v1/merchant/plans', { token: store.merchantToken, key: 'P-2', body: { merchantOrderId: 'P-2', phone: '13700137000', productId: store.products['ep-6'], amount: '100.00' } });
      assert.equal(refused.body.code, 'product_not_offered');
    });

    it('retires a product: no longer quoted or sold, no new versions, cannot be offered again', async () => {
      const id = store.products['free-3']!;
      const r = await asOperator('POST', `/v1/admin/products/${id}/retire`);
      assert.deepEqual([r.status, r.body.status], [200, 'retired']);
      assert.ok(!(await quoteCodes()).some((c: string) => c.startsWith('free-3@')));
      const retired = await t.api('GET', '/v1/admin/products?status=retired', { token: agent });
      assert.deepEqual(retired.body.items.map((p: any) => p.code), ['free-3']);
      await expectRejected(t, [
        { name: 'version of retired', method: 'POST', url: `/v1/admin/products/${id}/versions`, body: { name: 'x', method: 'interest-free', terms: 3 }, status: 409, code: 'conflict' },
        { name: 'offer retired', method: 'PUT', url: `/v1/admin/merchants/${store.merchantId}/products/${id}`, status: 409, code: 'conflict' },
        { name: 'checkout retired', method: 'POST', url: '/v1/merchant/plans', token: store.merchantToken, key: 'R-1', body: { merchantOrderId: 'R-1', phone: '13700137001', productId: id, amount: '300.00' }, status: 404, code: 'product_not_found' },
      ]);
    });

    it('refuses bad product input, wrong roles and unknown ids, changing nothing', async () => {
      const base = { code: 'x-12', name: 'x', method: 'equal-installment', terms: 12, annualRate: '12' };
      const define = (name: string, body: unknown, status: number, code: string) => ({ name, method: 'POST', url: '/v1/admin/products', body, status, code });
      const rule = (patch: object) => ({ ...base, lateChargeRule: { ...RULE, ...patch } });
      await expectRejected(t, [
        define('no code', { ...base, code: undefined }, 400, 'validation_failed'),
        define('bad code', { ...base, code: 'X 12' }, 400, 'validation_failed'),
        define('terms as string', { ...base, terms: '12' }, 400, 'validation_failed'),
        define('terms zero', { ...base, terms: 0 }, 400, 'validation_failed'),
        define('terms huge', { ...base, terms: 1e9 }, 400, 'validation_failed'),
        define('unknown method', { ...base, method: 'balloon' }, 400, 'method_unknown'),
        define('rate missing', { ...base, annualRate: undefined }, 400, 'rate_required'),
        define('negative rate', { ...base, annualRate: '-1' }, 400, 'validation_failed'),
        define('APR over cap', { ...base, annualRate: '30', aprCap: '24' }, 422, 'apr_above_cap'),
        define('unknown field', { ...base, colour: 'red' }, 400, 'validation_failed'),
        define('unknown rule code', rule({ code: 'daily-penalty' }), 400, 'validation_failed'),
        define('three-decimal late fee', rule({ lateFee: '1.001' }), 400, 'validation_failed'),
        define('negative late fee', rule({ lateFee: '-1.00' }), 400, 'amount_invalid'),
        define('huge cap', rule({ capPerInstallment: '99999999999999.99' }), 400, 'amount_invalid'),
        define('late fee as number', rule({ lateFee: 10 }), 400, 'validation_failed'),
        define('grace too long', rule({ graceDays: 91 }), 400, 'validation_failed'),
        define('grace days disagree', { ...rule({}), graceDays: 3 }, 400, 'validation_failed'),
        define('unknown allocation', { ...base, allocationStrategy: 'random' }, 400, 'allocation_strategy_unknown'),
        define('periods missing', { ...base, payoffPolicy: { remainingFees: { code: 'charge-n-periods' } } }, 400, 'validation_failed'),
        define('periods beyond terms', { ...base, payoffPolicy: { remainingFees: { code: 'charge-n-periods', periods: 13 } } }, 400, 'validation_failed'),
        define('percent fee without rate', { ...base, payoffPolicy: { earlyRepaymentFee: { code: 'percent-of-prepaid-principal' } } }, 400, 'rate_invalid'),
        define('duplicate code', { ...base, code: 'fee-12' }, 409, 'conflict'),
        { ...define('agent defines', base, 403, 'forbidden'), token: agent },
        { ...define('merchant defines', base, 403, 'forbidden'), token: store.merchantToken },
        { ...define('no token', base, 401, 'unauthorized'), token: null },
        { name: 'version of unknown', method: 'POST', url: `/v1/admin/products/${UNKNOWN_ID}/versions`, body: { name: 'x', method: 'interest-free', terms: 3 }, status: 404, code: 'product_not_found' },
        { name: 'version with a code', method: 'POST', url: `/v1/admin/products/${store.products['fee-12']}/versions`, body: { ...base, code: 'y' }, status: 400, code: 'validation_failed' },
        { name: 'get unknown', method: 'GET', url: `/v1/admin/products/${UNKNOWN_ID}`, status: 404, code: 'product_not_found' },
        { name: 'retire unknown', method: 'POST', url: `/v1/admin/products/${UNKNOWN_ID}/retire`, status: 404, code: 'product_not_found' },
        { name: 'agent retires', method: 'POST', url: `/v1/admin/products/${store.products['fee-12']}/retire`, token: agent, status: 403, code: 'forbidden' },
        { name: 'offer to unknown merchant', method: 'PUT', url: `/v1/admin/merchants/${UNKNOWN_ID}/products/${store.products['fee-12']}`, status: 404, code: 'merchant_not_found' },
        { name: 'offer unknown product', method: 'PUT', url: `/v1/admin/merchants/${store.merchantId}/products/${UNKNOWN_ID}`, status: 404, code: 'product_not_found' },
        { name: 'withdraw unknown product', method: 'DELETE', url: `/v1/admin/merchants/${store.merchantId}/products/${UNKNOWN_ID}`, status: 404, code: 'product_not_found' },
        { name: 'bad status filter', method: 'GET', url: '/v1/admin/products?status=gone', status: 400, code: 'validation_failed' },
      ]);
    });
  });
}
