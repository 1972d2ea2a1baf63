import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { seedTestStore, type TestStore } from '../support/store.ts';
import { tokenFor } from '../api/admin-support.ts';
import { isProtected, protectedDueDates } from '../../src/app/entrances/protection-store.ts';
import { addEntrance, fundedCheckout } from './support.ts';

const at = (date: string, time: string) => new Date(`${date}T${time}:00+08:00`).toISOString();

for (const target of testDatabases()) {
  describe(`entrance registry and outage protection on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    let operator: string, agent: string, supervisor: string, auditor: string;
    let due10: any, due10b: any;
    before(async () => {
      t = await startTestApp(target);
      store = await seedTestStore(t);
      [operator, agent, supervisor, auditor] = [await tokenFor(t, 'operator'), await tokenFor(t, 'agent'), await tokenFor(t, 'supervisor'), await tokenFor(t, 'auditor')];
      await addEntrance(t, { code: 'fenqi', kind: 'fenqi_portal', name: 'Fenqi', url: 'https://pay.fenqi.test/plans/{planId}' });
      await addEntrance(t, { code: 'store-app', kind: 'store_app', name: '商城App', url: 'https://shop.test/pay', priority: 1, serves: { partnerIds: [], productIds: [], merchantIds: [store.merchantId] } });
      await addEntrance(t, { code: 'auto', kind: 'auto_debit', name: '自动扣款', url: 'https://pay.fenqi.test/auto', priority: 0 });
      due10 = await fundedCheckout(t, store, '13400000001', 'fee-12', '1200.00', 'E-1');
      await t.setBusinessDate('2026-02-02');
      due10b = await fundedCheckout(t, store, '13400000002', 'fee-12', '1200.00', 'E-2');
    });
    after(async () => { await t.close(); });

    const status = (code: string, s: string, when: string, token = operator) => t.api('POST', `/v1/admin/entrances/${code}/status`, { token, body: { status: s, reason: 'monitoring', at: when } });

    it('keeps every status change, back-dated ones included, and refuses the future', async () => {
      await t.setBusinessDate('2026-02-10');
      t.clock.set(new Date(at('2026-02-10', '18:00')));
      for (const [code, s, time] of [['store-app', 'closed', '08:00'], ['fenqi', 'closed', '09:00'], ['fenqi', 'open', '12:30'], ['store-app', 'degraded', '13:00']] as const) {
        const r = await status(code, s, at('2026-02-10', time));
        assert.equal(r.status, 200, JSON.stringify(r.body));
      }
      assert.equal((await status('fenqi', 'closed', at('2026-02-10', '19:00'))).body.code, 'validation_failed');
      const list = await t.api('GET', '/v1/admin/entrances', { token: agent });
      const fenqi = list.body.items.find((e: any) => e.code === 'fenqi');
      assert.deepEqual(fenqi.history.map((h: any) => h.status), ['open', 'closed', 'open']);
      assert.equal(list.body.items.find((e: any) => e.code === 'store-app').status, 'degraded');
    });

    it('protects due dates when no entrance was open long enough that day (auto-debit does not count)', async () => {
      const r = await t.api('POST', '/v1/admin/protections/apply', { token: operator, body: { date: '2026-02-10' } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.outageClasses, 1);
      const p = await isProtected(t.deps.db, due10.customerId, due10.id, '2026-02-10');
      assert.deepEqual([p.protected, p.extendedDueDate, p.causes[0]?.kind], [true, '2026-02-17', 'outage']);
      assert.deepEqual(await protectedDueDates(t.deps.db, due10b.customerId, '2026-01-01', '2026-12-31'), [], 'due on 03-10: nothing to protect yet');
      const view = await t.api('GET', `/v1/admin/customers/${due10.customerId}/protections`, { token: agent });
      assert.equal(view.body.items[0].causes[0].window.from, '2026-02-10');
    });

    it('does not protect for a short outage or a maintenance window another entrance covers', async () => {
      await t.setBusinessDate('2026-02-11');
      t.clock.set(new Date(at('2026-02-11', '18:00')));
      await status('fenqi', 'closed', at('2026-02-11', '10:00'));
      await status('fenqi', 'open', at('2026-02-11', '11:00'));
      const m = await t.api('POST', '/v1/admin/entrances/store-app/maintenance', { token: operator, body: { startsAt: at('2026-02-11', '10:30'), endsAt: at('2026-02-11', '12:00'), reason: 'upgrade' } });
      assert.equal(m.status, 201, JSON.stringify(m.body));
      const r = await t.api('POST', '/v1/admin/protections/apply', { token: operator, body: { date: '2026-02-11' } });
      assert.equal(r.body.outageClasses, 0);
      const settings = await t.api('PUT', '/v1/admin/outage-protection/settings', { token: operator, body: { outageThresholdMinutes: 20 } });
      assert.equal(settings.body.outageThresholdMinutes, 20);
      const stricter = await t.api('POST', '/v1/admin/protections/apply', { token: operator, body: { date: '2026-02-11' } });
      assert.equal(stricter.body.outageClasses, 1, '30 minutes with nothing open is more than 20');
    });

    it('answers where to pay around a closed entrance, for the customer and for an agent', async () => {
      await status('store-app', 'closed', t.clock.now().toISOString());
      const r = await t.api('GET', `/v1/admin/customers/${due10.customerId}/where-to-pay`, { token: agent });
      assert.deepEqual([r.body.items[0].payAt.code, r.body.items[0].usual.code, r.body.items[0].rerouted], ['fenqi', 'store-app', true]);
      assert.equal(r.body.items[0].payAt.url, `https://pay.fenqi.test/plans/${due10.id}`);
    });

    it('lets operators change the registry, supervisors run incidents, agents and auditors only read', async () => {
      const incident = { title: 'gateway outage', scope: { partnerIds: [], productIds: [], merchantIds: [], planIds: [] } };
      const writes: [string, string, object, string[]][] = [
        ['POST', '/v1/admin/entrances', { code: 'x-app', kind: 'store_app', name: 'x', url: 'https://x.test', status: 'open', priority: 1, serves: { partnerIds: [], productIds: [], merchantIds: [] } }, ['operator']],
        ['PATCH', '/v1/admin/entrances/store-app', { priority: 2 }, ['operator']],
        ['POST', '/v1/admin/entrances/store-app/status', { status: 'open', reason: 'back up' }, ['operator']],
        ['POST', '/v1/admin/entrances/store-app/maintenance', { startsAt: at('2026-03-01', '01:00'), endsAt: at('2026-03-01', '02:00'), reason: 'patch' }, ['operator']],
        ['PUT', '/v1/admin/outage-protection/settings', { extensionDays: 7 }, ['operator']],
        ['POST', '/v1/admin/protections/apply', { date: '2026-02-11' }, ['operator']],
        ['POST', '/v1/admin/incidents', incident, ['operator', 'supervisor']],
      ];
      const tokens: Record<string, string> = { operator, agent, supervisor, auditor };
      for (const [method, url, body, allowed] of writes) {
        for (const [role, token] of Object.entries(tokens)) {
          const r = await t.api(method, url, { token, body: method === 'POST' && url === '/v1/admin/entrances' ? { ...body, code: `x-${role}` } : body });
          if (allowed.includes(role)) assert.ok(r.status < 300, `${role} ${method} ${url}: ${JSON.stringify(r.body)}`);
          else assert.deepEqual([r.status, r.body.code], [403, 'forbidden'], `${role} ${method} ${url}`);
        }
      }
      for (const url of ['/v1/admin/entrances', '/v1/admin/incidents', '/v1/admin/outage-protection/settings', `/v1/admin/customers/${due10.customerId}/where-to-pay`]) {
        for (const token of [operator, agent, supervisor, auditor]) assert.equal((await t.api('GET', url, { token })).status, 200, url);
        assert.equal((await t.api('GET', url)).status, 401, url);
        assert.equal((await t.api('GET', url, { token: store.merchantToken })).status, 403, url);
      }
      const open = (await t.api('GET', '/v1/admin/incidents?status=open', { token: agent })).body.items;
      for (const i of open) {
        assert.equal((await t.api('POST', `/v1/admin/incidents/${i.incidentId}/end`, { token: agent, body: {} })).status, 403);
        assert.equal((await t.api('POST', `/v1/admin/incidents/${i.incidentId}/end`, { token: supervisor, body: {} })).status, 200);
      }
    });

    it('refuses bad registry input with stable codes', async () => {
      const cases: [string, string, object, number, string][] = [
        ['POST', '/v1/admin/entrances', { code: 'fenqi', kind: 'fenqi_portal', name: 'dup', url: 'https://x.test', status: 'open', priority: 1, serves: { partnerIds: [], productIds: [], merchantIds: [] } }, 409, 'conflict'],
        ['POST', '/v1/admin/entrances', { code: 'bad-url', kind: 'store_app', name: 'x', url: 'ftp://x', status: 'open', priority: 1, serves: { partnerIds: [], productIds: [], merchantIds: [] } }, 400, 'validation_failed'],
        ['POST', '/v1/admin/entrances/nope/status', { status: 'open', reason: 'test' }, 404, 'not_found'],
        ['PATCH', '/v1/admin/entrances/store-app', { successorCode: 'store-app' }, 400, 'validation_failed'],
        ['POST', '/v1/admin/entrances/store-app/maintenance', { startsAt: at('2026-03-01', '02:00'), endsAt: at('2026-03-01', '01:00'), reason: 'backwards' }, 400, 'validation_failed'],
      ];
      for (const [method, url, body, code, problem] of cases) {
        const r = await t.api(method, url, { token: operator, body });
        assert.deepEqual([r.status, r.body.code], [code, problem], `${method} ${url}: ${JSON.stringify(r.body)}`);
      }
      assert.equal((await t.api('GET', '/v1/entrances/nope/redirect')).status, 404);
    });
  });
}
