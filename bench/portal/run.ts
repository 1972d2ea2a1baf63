/**
 * bench/portal: the customer portal's home and bills pages under 50 concurrent clients on
 * PostgreSQL, beside a raw-database peer measured in the same run (the same number of
 * queries per page issued straight to PostgreSQL, no HTTP/API/rendering).
 *
 *   npx tsx bench/portal/run.ts [--customers 500] [--clients 50] [--seconds 10] [--pool 20] [--json]
 *
 * The store: --customers customers with two plans each (a fee-12 phone and a free-3 pair of
 * earbuds) bought on 2026-01-05, viewed on 2026-02-08 (the February bill is issued), each
 * with a session. Requests pick customers round-robin, so the server's caches see many sessions.
 * Queries per page are counted from pg_stat_database (transactions committed while 100
 * pages are fetched one at a time), which is what the raw peer then issues per "page".
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { openFreshPostgres } from '../../test/support/db.ts';
import { startTestApp } from '../../test/support/app.ts';
import { seedTestStore, sessionFor } from '../../test/support/store.ts';
import { buy } from '../../test/web/support.ts';
import { DEFAULT_DATABASE_URL } from '../db-baseline/baseline.ts';
import { machineInfo } from '../db-baseline/machine.ts';

const { values: opts } = parseArgs({ options: {
  customers: { type: 'string', default: '500' }, clients: { type: 'string', default: '50' }, seconds: { type: 'string', default: '10' },
  pool: { type: 'string', default: '20' }, json: { type: 'boolean', default: false }, pages: { type: 'string', default: '/portal,/portal/bills' },
} });
const customers = Number(opts.customers);
const clients = Number(opts.clients);
const seconds = Number(opts.seconds);
const baseUrl = process.env.FENQI_BENCH_DATABASE_URL ?? DEFAULT_DATABASE_URL;
const LOAD = fileURLToPath(new URL('./load.ts', import.meta.url));

interface LoadResult { count: number; errors: number; firstError: string; p50: number; p99: number; seconds: number; cpuUs: number }
function load(job: object): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', LOAD, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`load exited ${code}`))));
  });
}

let dbName = '';
const t = await startTestApp({ name: 'postgres', open: async () => {
  const h = await openFreshPostgres(baseUrl, Number(opts.pool));
  dbName = (await h.db.selectNoFrom((eb) => eb.fn<string>('current_database', []).as('d')).executeTakeFirstOrThrow()).d;
  return h;
} }, {}, '2026-01-05');
const log = (s: string) => { if (!opts.json) process.stderr.write(`${s}\n`); };
try {
  const store = await seedTestStore(t);
  const seeded = performance.now();
  const ids: string[] = [];
  for (let i = 0; i < customers; i++) {
    const phone = `139${String(10_000_000 + i).padStart(8, '0')}`;
    const a = await buy(t, store, phone, 'fee-12', '6000.00', `P-${i}-a`, 'Xiaomi 15 Pro');
    await buy(t, store, phone, 'free-3', '3000.00', `P-${i}-b`, 'Redmi Buds 6 Pro');
    ids.push(a.customerId);
  }
  await t.setBusinessDate('2026-02-08');
  const cookies = await Promise.all(ids.map(async (id) => `fq_session=${await sessionFor(t, id)}`));
  log(`seeded ${customers} customers (${2 * customers} plans) in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  const dbUrl = new URL(baseUrl);
  dbUrl.pathname = `/${dbName}`;

  const stats = new pg.Client({ connectionString: dbUrl.toString() });
  await stats.connect();
  const commits = async () => {
    await new Promise((r) => setTimeout(r, 1200)); // the statistics collector flushes about once a second
    await stats.query('select pg_stat_clear_snapshot()');
    return Number((await stats.query('select xact_commit from pg_stat_database where datname = current_database()')).rows[0].xact_commit);
  };
  const rows: Record<string, unknown>[] = [];
  for (const path of opts.pages!.split(',')) {
    const before = await commits();
    for (let i = 0; i < 100; i++) {
      const r = await fetch(`${url}${path}`, { headers: { cookie: cookies[i % cookies.length]! } });
      if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
      await r.text();
    }
    // Less the statistics queries themselves (two per reading).
    const perPage = Math.max(1, Math.round((await commits() - before - 2) / 100));
    await load({ kind: 'http', url, path, cookies, clients, seconds: 2 }); // warm-up
    const web = await load({ kind: 'http', url, path, cookies, clients, seconds });
    const raw = await load({ kind: 'raw', databaseUrl: dbUrl.toString(), customers: ids, queries: perPage, clients, seconds });
    const row = { page: path, queriesPerPage: perPage, clients, rps: web.count / seconds, p50: web.p50, p99: web.p99, errors: web.errors, firstError: web.firstError,
      rawRps: raw.count / seconds, rawP50: raw.p50, rawP99: raw.p99, rawErrors: raw.errors };
    rows.push(row);
    log(`${path}: ${perPage} queries/page · ${row.rps.toFixed(0)} pages/s p50 ${web.p50.toFixed(1)} ms p99 ${web.p99.toFixed(1)} ms (${web.errors} errors) · raw peer ${row.rawRps.toFixed(0)}/s p99 ${raw.p99.toFixed(1)} ms`);
  }
  await stats.end();
  const result = { machine: machineInfo(), customers, clients, seconds, rows };
  process.stdout.write(`${JSON.stringify(result, null, opts.json ? 0 : 2)}\n`);
} finally {
  await t.close();
}
