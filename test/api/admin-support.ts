import assert from 'node:assert/strict';
import { createApiKey, type ApiKeyRole } from '../../src/app/admin/create-api-key.ts';
import type { TestApp } from '../support/app.ts';

/** Helpers for the operator API suites (admin*.test.ts, webhooks*.test.ts). */

export async function tokenFor(t: TestApp, role: ApiKeyRole, merchantId?: string): Promise<string> {
  const key = await t.run((ctx) => createApiKey(ctx, { role, name: `test ${role}`, ...(merchantId ? { merchantId } : {}) }));
  return key.token;
}

/** Everything an operator write could touch, as one comparable string: "nothing changed" means equal snapshots. */
export async function snapshot(t: TestApp): Promise<string> {
  const db = t.deps.db;
  const count = async (table: 'merchants' | 'api_keys' | 'products' | 'merchant_products' | 'audit_log' | 'webhook_deliveries' | 'idempotency_keys') =>
    Number((await db.selectFrom(table).select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return JSON.stringify({
    merchants: await db.selectFrom('merchants').select(['id', 'name', 'webhook_url']).orderBy('id').execute(),
    keys: await db.selectFrom('api_keys').select(['id', 'revoked_at']).orderBy('id').execute(),
    products: await db.selectFrom('products').select(['id', 'version', 'status']).orderBy('id').orderBy('version').execute(),
    lines: await db.selectFrom('credit_lines').selectAll().orderBy('customer_id').execute(),
    deliveries: await db.selectFrom('webhook_deliveries').select(['id', 'status', 'next_attempt_at']).orderBy('id').execute(),
    counts: [await count('merchant_products'), await count('audit_log'), await count('idempotency_keys')],
  });
}

export interface BadCase {
  name: string;
  method: string;
  url: string;
  /** Defaults to the admin token; null sends no Authorization header. */
  token?: string | null;
  body?: unknown;
  key?: string;
  status: number;
  code: string;
}

/** Sends each bad request, checks its status and stable code, and that the database is exactly as before. */
export async function expectRejected(t: TestApp, cases: BadCase[]): Promise<void> {
  const before = await snapshot(t);
  for (const c of cases) {
    const token = c.token === null ? undefined : c.token ?? t.adminToken;
    const r = await t.api(c.method, c.url, { ...(token ? { token } : {}), ...(c.body !== undefined ? { body: c.body } : {}), ...(c.key ? { key: c.key } : {}) });
    assert.equal(r.status, c.status, `${c.name}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.code, c.code, `${c.name}: ${JSON.stringify(r.body)}`);
    assert.match(String(r.headers['content-type']), /^application\/problem\+json/, c.name);
  }
  assert.equal(await snapshot(t), before, 'a rejected request changed nothing');
}

export const UNKNOWN_ID = '0192f0c8-5c2a-7000-8000-00000000dead';
