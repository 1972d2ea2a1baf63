import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

/** The operator routes this suite owns; staff-servicing's money actions under /v1/admin/customers are checked by their own suite. */
const OWNED = /^\/v1\/(admin\/(merchants|api-keys|products|customers(\/\{customerId\}(\/(credit-line|journal|reveal-phone).*)?|\/lookup)?$|ledger|plans|audit-log|webhooks)|merchant\/webhooks)/;

for (const target of testDatabases()) {
  describe(`admin: OpenAPI on ${target.name}`, () => {
    let t: TestApp;
    before(async () => { t = await startTestApp(target); });
    after(async () => { await t.close(); });

    it('documents every operator route with a summary, tags, a success schema, problem responses and an example', async () => {
      const doc = (await t.api('GET', '/openapi.json')).body;
      const ops = Object.entries<any>(doc.paths).filter(([path]) => OWNED.test(path))
        .flatMap(([path, methods]) => Object.entries<any>(methods).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })));
      assert.equal(ops.length, 31);
      for (const { name, op } of ops) {
        assert.ok(op.summary, `${name}: summary`);
        assert.ok(op.tags?.length, `${name}: tags`);
        assert.ok(op.security?.length, `${name}: security`);
        const success = op.responses['200'] ?? op.responses['201'];
        assert.ok(success?.content?.['application/json']?.schema, `${name}: success schema`);
        for (const status of ['400', '401', '403']) {
          assert.ok(op.responses[status]?.content?.['application/problem+json']?.schema, `${name}: ${status} problem+json`);
          assert.equal(op.responses[status].content['application/json'], undefined, `${name}: ${status} not plain json`);
        }
        assert.match(JSON.stringify(op), /"examples?"/, `${name}: an example`);
      }
    });

    it('documents error bodies of every route as application/problem+json, as they are sent', async () => {
      const doc = (await t.api('GET', '/openapi.json')).body;
      const wrong = Object.entries<any>(doc.paths).flatMap(([path, methods]) => Object.entries<any>(methods)
        .flatMap(([method, op]) => Object.entries<any>(op.responses ?? {})
          .filter(([status, r]) => /^[45]/.test(status) && r.content?.['application/json'])
          .map(([status]) => `${method} ${path} ${status}`)));
      assert.deepEqual(wrong, []);
      const sent = await t.api('GET', '/v1/admin/merchants', { token: 'nope' });
      assert.match(String(sent.headers['content-type']), /^application\/problem\+json/);
    });
  });
}
