import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { expectRejected, tokenFor, UNKNOWN_ID } from './admin-support.ts';

const PHONE = '13800138000';
const MASKED = '138****8000';

for (const target of testDatabases()) {
  describe(`admin: customers and credit lines on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    let plan: any;
    let roles: Record<'operator' | 'agent' | 'supervisor' | 'auditor', string>;
    let order = 0;
    before(async () => {
      t = await startTestApp(target);
      store = await seedTestStore(t);
      plan = await checkout(t, store, PHONE, 'fee-12', '6000.00', 'C-0');
      await checkout(t, store, '13900139001', 'free-3', '300.00', 'C-00');
      roles = { operator: await tokenFor(t, 'operator'), agent: await tokenFor(t, 'agent'), supervisor: await tokenFor(t, 'supervisor'), auditor: await tokenFor(t, 'auditor') };
    });
    after(async () => { await t.close(); });
    const line = (token = roles.agent) => t.api('GET', `/v1/admin/customers/${plan.customerId}/credit-line`, { token });
    const buy = (amount: string) => t.api('POST', '/v1/merchant/plans', {
      token: store.merchantToken, key: `C-${++order}`, body: { merchantOrderId: `C-${order}`, phone: PHONE, productId: store.products['free-12'], amount },
    });

    it('finds a customer by phone with the phone masked, and audits the lookup', async () => {
      const r = await t.api('POST', '/v1/admin/customers/lookup', { token: roles.agent, body: { phone: '+86 138-0013-8000' } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.customerId, plan.customerId);
      assert.equal(r.body.phoneMasked, MASKED);
      assert.deepEqual(r.body.creditLine, { ...r.body.creditLine, total: '20000.00', used: '6000.00', available: '14000.00', frozen: false, warnings: [] });
      assert.deepEqual(r.body.plans.map((p: any) => [p.planId, p.status, p.financed, p.outstanding, p.overdueInstallments]), [[plan.id, 'active', '6000.00', '6432.00', 0]]);
      assert.ok(!JSON.stringify(r.body).includes(PHONE));
      const byId = await t.api('GET', `/v1/admin/customers/${plan.customerId}`, { token: roles.auditor });
      assert.deepEqual(byId.body, r.body);
      const missing = await t.api('POST', '/v1/admin/customers/lookup', { token: roles.agent, body: { phone: '13000000000' } });
      assert.deepEqual([missing.status, missing.body.code], [404, 'customer_not_found']);
      const audit = await t.api('GET', '/v1/admin/audit-log?action=customer.lookup', { token: roles.auditor });
      assert.deepEqual(audit.body.items.map((a: any) => [a.details.phone, a.details.found]), [['130****0000', false], [MASKED, true]]);
    });

    it('masks phones in every listing', async () => {
      const list = await t.api('GET', '/v1/admin/customers', { token: roles.agent });
      assert.equal(list.status, 200);
      assert.deepEqual(list.body.items.map((c: any) => c.phoneMasked).sort(), [MASKED, '139****9001']);
      for (const url of ['/v1/admin/customers', '/v1/admin/audit-log', `/v1/admin/customers/${plan.customerId}/journal`, '/v1/admin/webhooks/deliveries']) {
        const r = await t.api('GET', url, { token: t.adminToken });
        assert.equal(r.status, 200, url);
        const body = JSON.stringify(r.body);
        assert.ok(!body.includes(PHONE) && !body.includes('13900139001'), `${url} shows no full phone`);
      }
    });

    it('reveals the full phone only to an admin or supervisor with a reason, and records the reason', async () => {
      const url = `/v1/admin/customers/${plan.customerId}/reveal-phone`;
      await expectRejected(t, [
        { name: 'agent', method: 'POST', url, token: roles.agent, body: { reason: 'checking' }, status: 403, code: 'forbidden' },
        { name: 'operator', method: 'POST', url, token: roles.operator, body: { reason: 'checking' }, status: 403, code: 'forbidden' },
        { name: 'auditor', method: 'POST', url, token: roles.auditor, body: { reason: 'checking' }, status: 403, code: 'forbidden' },
        { name: 'no reason', method: 'POST', url, token: roles.supervisor, body: {}, status: 400, code: 'validation_failed' },
        { name: 'blank reason', method: 'POST', url, token: roles.supervisor, body: { reason: '     ' }, status: 400, code: 'validation_failed' },
        { name: 'unknown customer', method: 'POST', url: `/v1/admin/customers/${UNKNOWN_ID}/reveal-phone`, token: roles.supervisor, body: { reason: 'checking' }, status: 404, code: 'customer_not_found' },
      ]);
      const r = await t.api('POST', url, { token: roles.supervisor, body: { reason: 'identity check, ticket 4411' } });
      assert.deepEqual([r.status, r.body.phone], [200, PHONE]);
      assert.equal((await t.api('POST', url, { token: t.adminToken, body: { reason: 'escalation 17' } })).status, 200);
      const audit = await t.api('GET', `/v1/admin/audit-log?action=customer.reveal_phone&target=customer:${plan.customerId}`, { token: roles.supervisor });
      assert.deepEqual(audit.body.items.map((a: any) => a.details.reason), ['escalation 17', 'identity check, ticket 4411']);
      assert.ok(audit.body.items[1].actor.endsWith(':supervisor'));
      assert.ok(!JSON.stringify(audit.body).includes(PHONE));
    });

    it('sets a limit, even below what is in use, and checkout is then refused with a reason', async () => {
      const up = await t.api('PUT', `/v1/admin/customers/${plan.customerId}/credit-line`, { token: roles.supervisor, body: { total: '30000.00', reason: 'annual review' } });
      assert.equal(up.status, 200, JSON.stringify(up.body));
      assert.deepEqual([up.body.total, up.body.available, up.body.warnings], ['30000.00', '24000.00', []]);
      const down = await t.api('PUT', `/v1/admin/customers/${plan.customerId}/credit-line`, { token: roles.operator, body: { total: '5000.00' } });
      assert.deepEqual([down.status, down.body.used, down.body.available], [200, '6000.00', '0.00']);
      assert.match(down.body.warnings[0], /1000\.00 below what is in use/);
      const refused = await buy('100.00');
      assert.deepEqual([refused.status, refused.body.code], [422, 'credit_line_insufficient']);
      await t.api('PUT', `/v1/admin/customers/${plan.customerId}/credit-line`, { token: roles.operator, body: { total: '20000.00' } });
      assert.equal((await buy('100.00')).status, 201);
      // Each change is announced to the customer once (额度调整通知), with the old and new limit.
      const told = await t.deps.db.selectFrom('notices').select(['facts']).where('customer_id', '=', plan.customerId)
        .where('kind', '=', 'credit_line_changed').orderBy('created_at').orderBy('id').execute();
      assert.deepEqual(told.map((n) => { const f = (typeof n.facts === 'string' ? JSON.parse(n.facts) : n.facts) as any; return [f.oldLimitFen, f.newLimitFen]; }),
        [[2000000, 3000000], [3000000, 500000], [500000, 2000000]]);
    });

    it('freezes a line: new plans refused, repayment still accepted; unfreezes with a reason', async () => {
      const frozen = await t.api('POST', `/v1/admin/customers/${plan.customerId}/credit-line/freeze`, { token: roles.agent, body: { reason: 'customer reported the phone stolen' } });
      assert.equal(frozen.status, 200, JSON.stringify(frozen.body));
      assert.deepEqual([frozen.body.frozen, frozen.body.frozenReason], [true, 'customer reported the phone stolen']);
      assert.deepEqual((await buy('100.00')).body.code, 'credit_line_frozen');
      const session = await sessionFor(t, plan.customerId);
      const paid = await t.api('POST', '/v1/me/repayments', { token: session, key: 'frozen-pay', body: { kind: 'installment', planId: plan.id, installmentNumber: 1, amount: '536.00' } });
      assert.equal(paid.status, 201, `repayment is never blocked: ${JSON.stringify(paid.body)}`);
      assert.equal((await line()).body.used, '5600.00', 'repaid principal restored the line while frozen');
      await expectRejected(t, [
        { name: 'freeze again', method: 'POST', url: `/v1/admin/customers/${plan.customerId}/credit-line/freeze`, token: roles.agent, body: { reason: 'again' }, status: 409, code: 'conflict' },
        { name: 'agent unfreezes', method: 'POST', url: `/v1/admin/customers/${plan.customerId}/credit-line/unfreeze`, token: roles.agent, body: { reason: 'found it' }, status: 403, code: 'forbidden' },
      ]);
      const open = await t.api('POST', `/v1/admin/customers/${plan.customerId}/credit-line/unfreeze`, { token: roles.supervisor, body: { reason: 'phone recovered, identity verified' } });
      assert.deepEqual([open.status, open.body.frozen, open.body.frozenReason], [200, false, null]);
      assert.equal((await buy('100.00')).status, 201);
      const audit = await t.api('GET', `/v1/admin/audit-log?action=credit_line&target=customer:${plan.customerId}`, { token: roles.auditor });
      assert.deepEqual(audit.body.items.map((a: any) => a.action), ['credit_line.unfreeze', 'credit_line.freeze', 'credit_line.set_limit', 'credit_line.set_limit', 'credit_line.set_limit']);
      assert.ok((await checkLedger(t.deps.db)).ok);
    });

    it('refuses bad credit-line and lookup input, changing nothing', async () => {
      const url = `/v1/admin/customers/${plan.customerId}/credit-line`;
      const put = (name: string, body: unknown, status: number, code: string, token = roles.operator) => ({ name, method: 'PUT', url, body, token, status, code });
      await expectRejected(t, [
        put('negative', { total: '-1.00' }, 400, 'amount_invalid'),
        put('three decimals', { total: '100.001' }, 400, 'validation_failed'),
        put('number', { total: 100 }, 400, 'validation_failed'),
        put('huge', { total: '99999999999999.99' }, 400, 'amount_invalid'),
        put('missing', {}, 400, 'validation_failed'),
        put('unknown field', { total: '1.00', frozen: true }, 400, 'validation_failed'),
        put('agent', { total: '1.00' }, 403, 'forbidden', roles.agent),
        put('auditor', { total: '1.00' }, 403, 'forbidden', roles.auditor),
        put('merchant', { total: '1.00' }, 403, 'forbidden', store.merchantToken),
        { name: 'unknown customer', method: 'PUT', url: `/v1/admin/customers/${UNKNOWN_ID}/credit-line`, body: { total: '1.00' }, status: 404, code: 'customer_not_found' },
        { name: 'not a uuid', method: 'PUT', url: '/v1/admin/customers/123/credit-line', body: { total: '1.00' }, status: 400, code: 'validation_failed' },
        { name: 'read unknown', method: 'GET', url: `/v1/admin/customers/${UNKNOWN_ID}/credit-line`, status: 404, code: 'customer_not_found' },
        { name: 'summary unknown', method: 'GET', url: `/v1/admin/customers/${UNKNOWN_ID}`, status: 404, code: 'customer_not_found' },
        { name: 'freeze no reason', method: 'POST', url: `${url}/freeze`, body: {}, status: 400, code: 'validation_failed' },
        { name: 'freeze unknown', method: 'POST', url: `/v1/admin/customers/${UNKNOWN_ID}/credit-line/freeze`, body: { reason: 'test case' }, status: 404, code: 'customer_not_found' },
        { name: 'auditor freezes', method: 'POST', url: `${url}/freeze`, token: roles.auditor, body: { reason: 'test case' }, status: 403, code: 'forbidden' },
        { name: 'unfreeze open line', method: 'POST', url: `${url}/unfreeze`, body: { reason: 'test case' }, status: 409, code: 'conflict' },
        { name: 'lookup bad phone', method: 'POST', url: '/v1/admin/customers/lookup', body: { phone: '12345678901' }, status: 400, code: 'validation_failed' },
        { name: 'lookup phone as number', method: 'POST', url: '/v1/admin/customers/lookup', body: { phone: 13800138000 }, status: 400, code: 'validation_failed' },
        { name: 'lookup by merchant', method: 'POST', url: '/v1/admin/customers/lookup', token: store.merchantToken, body: { phone: PHONE }, status: 403, code: 'forbidden' },
        { name: 'customer calls admin', method: 'GET', url: '/v1/admin/customers', token: await sessionFor(t, plan.customerId), status: 403, code: 'forbidden' },
      ]);
    });
  });
}
