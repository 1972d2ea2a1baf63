/**
 * bench/portal: the customer portal's home and bills pages under 50 concurrent clients on
 * PostgreSQL, beside a raw-database peer measured in the same run: the page's own statements,
 * recorded while it was served, replayed straight to PostgreSQL (no HTTP/API/rendering).
 *
 *   npx tsx bench/portal/run.ts [--customers 500] [--clients 50] [--seconds 10] [--pool 20] [--json]
 *
 * The store: --customers customers with two plans each (a fee-12 phone and a free-3 pair of
 * earbuds) bought on 2026-01-05, viewed on 2026-02-08 (the February bill is issued), each
 * with a session. Requests pick customers round-robin, so the server's caches see many sessions.
 * Statements per page are counted at the pg driver (every round trip, BEGIN/COMMIT included)
 * while 100 pages are fetched one at a time, one per customer; those exact statements
 * (text and parameters, as named prepared statements like the app's pool) are what the raw
 * peer replays, page by page, on `clients` connections — so the peer is the page's database
 * work alone, and pages/s ÷ peer/s says how much of the budget the web tier takes.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { openFreshPostgres } from '../../test/support/db.ts';
import { startTestApp } from '../../test/support/app.ts';
import { seedTestStore, sessionFor } from '../../test/support/store.ts';
import { buy } from '../../test/web/support.ts';
import { DEFAULT_DATABASE_URL } from '../db-baseline/baseline.ts';
import { machineInfo } from '../db-baseline/machine.ts';
import { countStatements, recordStatements, type Statement } from './statements.ts';

const { values: opts } = parseArgs({ options: {
  customers: { type: 'string', default: '500' }, clients: { type: 'string', default: '50' }, seconds: { type: 'string', default: '10' },
  pool: { type: 'string', default: '20' }, json: { type: 'boolean', default: false }, pages: { type: 'string', default: '/portal,/portal/bills' },
} });
const customers = Number(opts.customers);
const clients = Number(opts.clients);
const seconds = Number(opts.seconds);
const baseUrl = process.env.FENQI_BENCH_DATABASE_URL ?? DEFAULT_DATABASE_URL;
const LOAD = fileURLToPath(new URL('./load.ts', import.meta.url));

/**
 * The server runs here in-process, so it gets the young-generation size `npm start` gives it
 * (package.json): with V8's default 16 MB semi-space, ~100 KB of garbage per page meant a
 * scavenge every ~150 pages and pauses of up to 30 ms that every in-flight page waited out.
 * The load generator gets the same, so its own pauses do not show up as page latency.
 */
const YOUNG_GENERATION = '--max-semi-space-size=64';
if (!process.execArgv.includes(YOUNG_GENERATION) && !(process.env.NODE_OPTIONS ?? '').includes('--max-semi-space-size')) {
  const child = spawn(process.execPath, [YOUNG_GENERATION, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  process.exit(code);
}

interface LoadResult { count: number; errors: number; firstError: string; p50: number; p99: number; seconds: number; cpuUs: number }
function load(job: object): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const file = join(tmpdir(), `fenqi-portal-load-${process.pid}.json`);
    writeFileSync(file, JSON.stringify(job));
    const child = spawn(process.execPath, [YOUNG_GENERATION, '--import', 'tsx', LOAD, `@${file}`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`load exited ${code}`))));
  });
}

// Before the app opens its pool: the pool wraps each client's query once, when it connects.
countStatements();
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

  const rows: Record<string, unknown>[] = [];
  for (const path of opts.pages!.split(',')) {
    // One page per customer, one at a time: what each page sends to PostgreSQL.
    const pages: Statement[][] = [];
    for (let i = 0; i < Math.min(100, cookies.length); i++) {
      pages.push(await recordStatements(async () => {
        const r = await fetch(`${url}${path}`, { headers: { cookie: cookies[i]! } });
        if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
        await r.text();
      }));
    }
    const perPage = pages.reduce((n, p) => n + p.length, 0) / pages.length;
    await load({ kind: 'http', url, path, cookies, clients, seconds: 2 }); // warm-up
    // Where a slow page's time goes on the server side: event-loop stalls and garbage-collection pauses.
    const loopDelay = monitorEventLoopDelay({ resolution: 1 });
    const gc = { count: 0, totalMs: 0, maxMs: 0 };
    const gcObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) { gc.count++; gc.totalMs += e.duration; gc.maxMs = Math.max(gc.maxMs, e.duration); }
    });
    gcObserver.observe({ entryTypes: ['gc'] });
    loopDelay.enable();
    const cpu = process.cpuUsage();
    const web = await load({ kind: 'http', url, path, cookies, clients, seconds });
    const used = process.cpuUsage(cpu);
    loopDelay.disable();
    gcObserver.disconnect();
    const loop = { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 };
    // CPU per page of the server process and of the load generator (the rest of 2 cores × seconds is PostgreSQL and the host).
    const serverCpuMs = (used.user + used.system) / 1000 / Math.max(1, web.count);
    const loadCpuMs = web.cpuUs / 1000 / Math.max(1, web.count);
    const raw = await load({ kind: 'raw', databaseUrl: dbUrl.toString(), pages, clients, seconds });
    const row = { page: path, queriesPerPage: perPage, clients, rps: web.count / seconds, serverCpuMs, loadCpuMs, p50: web.p50, p99: web.p99, errors: web.errors, firstError: web.firstError,
      rawRps: raw.count / seconds, rawP50: raw.p50, rawP99: raw.p99, rawErrors: raw.errors, loop, gc };
    rows.push(row);
    log(`${path}: ${perPage.toFixed(1)} statements/page · ${row.rps.toFixed(0)} pages/s p50 ${web.p50.toFixed(1)} ms p99 ${web.p99.toFixed(1)} ms (${web.errors} errors; CPU/page server ${serverCpuMs.toFixed(2)} ms, load ${loadCpuMs.toFixed(2)} ms) · raw peer ${row.rawRps.toFixed(0)}/s p99 ${raw.p99.toFixed(1)} ms · server loop delay p99 ${loop.p99.toFixed(1)} ms max ${loop.max.toFixed(1)} ms, GC ${gc.count}× ${gc.totalMs.toFixed(0)} ms (max ${gc.maxMs.toFixed(1)} ms)`);
  }
  const result = { machine: machineInfo(), customers, clients, seconds, rows };
  process.stdout.write(`${JSON.stringify(result, null, opts.json ? 0 : 2)}\n`);
} finally {
  await t.close();
}
