import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/adapters/http/server.ts';
import { setBusinessDate } from '../../src/adapters/db/business-calendar.ts';
import { execute } from '../../src/app/execute.ts';
import { systemActor, type TxContext } from '../../src/app/context.ts';
import { ManualClock, type Notification } from '../../src/app/ports.ts';
import type { AppDeps } from '../../src/app/deps.ts';
import { createApiKey } from '../../src/app/admin/create-api-key.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { wireWith } from '../../src/wiring.ts';
import type { DatabaseHandle } from '../../src/adapters/db/connect.ts';
import type { DomainError } from '../../src/core/errors.ts';
import type { Result } from '../../src/core/result.ts';
import type { TestDatabase } from './db.ts';

export interface ApiResponse<T = any> { status: number; body: T; headers: Record<string, unknown> }

export interface TestApp {
  app: FastifyInstance;
  deps: AppDeps;
  handle: DatabaseHandle;
  clock: ManualClock;
  /** Everything sent through the notifier, newest last (OTP codes arrive here). */
  sent: Notification[];
  adminToken: string;
  setBusinessDate(date: string): Promise<void>;
  /** Runs a use case directly, as the system actor, in one transaction; throws on a domain error. */
  run<T>(work: (ctx: TxContext) => Promise<Result<T, DomainError>>): Promise<T>;
  api<T = any>(method: string, url: string, options?: { token?: string; body?: unknown; key?: string; headers?: Record<string, string> }): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

/** A full Fenqi app on a fresh database with a manual clock and a capturing notifier. */
export async function startTestApp(target: TestDatabase, config: Partial<Config> = {}, businessDate = '2026-01-05'): Promise<TestApp> {
  const handle = await target.open();
  const clock = new ManualClock(new Date(`${businessDate}T02:00:00Z`));
  const sent: Notification[] = [];
  const cfg = { ...loadConfig({}, { seedDemo: false }), signingSecret: 'test-secret', ...config };
  const { deps } = await wireWith(handle, cfg, { clock, notifier: { async send(n) { sent.push(n); } }, log: process.env.FENQI_TEST_LOG ? (m) => process.stderr.write(`${m}\n`) : () => {} });
  await setBusinessDate(deps.db, businessDate, clock.now());
  const app = await buildServer(deps);
  const run = async <T>(work: (ctx: TxContext) => Promise<Result<T, DomainError>>): Promise<T> => {
    const r = await execute(deps, systemActor, work);
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    if (r.replayed) throw new Error('unexpected replay');
    return r.value;
  };
  const admin = await run((ctx) => createApiKey(ctx, { role: 'admin', name: 'test admin' }));
  return {
    app, deps, handle, clock, sent, adminToken: admin.token, run,
    async setBusinessDate(date) { await setBusinessDate(deps.db, date, clock.now()); clock.set(new Date(`${date}T02:00:00Z`)); },
    async api(method, url, options = {}) {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      if (options.key) headers['idempotency-key'] = options.key;
      const res = await app.inject({ method: method as 'GET', url, headers, ...(options.body !== undefined ? { payload: options.body as object } : {}) });
      let body: unknown = res.body;
      try { body = res.json(); } catch { /* not JSON */ }
      return { status: res.statusCode, body: body as any, headers: res.headers };
    },
    async close() { await app.close(); await handle.close(); },
  };
}
