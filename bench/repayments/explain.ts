/**
 * What one repayment costs, statement by statement: sets up a small store on a fresh
 * PostgreSQL database, warms up with `--warm` repayments through the HTTP route, then posts
 * `--posts` more with auto_explain (LOADed per session, no server setting changed) printing
 * each statement's plan with actual times and buffers, then `--measure` more one after the
 * other, timed: wall time, this process's CPU and the CPU of the database backends serving it,
 * per repayment.
 *
 * `--analyze` runs ANALYZE after the warm-up, as autovacuum would on a live system.
 * `--setup-sql` runs once after setup, for A/B runs of a schema change (drop an index, say).
 * With `--concurrent n` the measured repayments go n at a time (n customers in turn), so the
 * server's batcher groups them: the per-statement figures are then those of batches of up to n.
 *
 *   npx tsx bench/repayments/explain.ts [--customers 50] [--warm 20] [--posts 1] [--measure 0] [--concurrent 1]
 *       [--analyze] [--setup-sql SQL] [--session-sql SQL] [--plans] [--profile FILE]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import inspector from 'node:inspector';
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { buildServer } from '../../src/adapters/http/server.ts';
import { pipelinedPool } from '../../src/adapters/db/pipelined-pool.ts';
import { preparedPool } from '../../src/adapters/db/prepared-pool.ts';
import { DATE_OID, INT8_OID, parseDate, parseInt8 } from '../../src/adapters/db/type-parsers.ts';
import type { Database } from '../../src/adapters/db/schema.ts';
import { loadConfig } from '../../src/config.ts';
import { wireWith } from '../../src/wiring.ts';
import { openFreshPostgres } from '../../test/support/db.ts';
import { DEFAULT_DATABASE_URL } from '../db-baseline/baseline.ts';
import { setupStore } from './setup.ts';

const { values } = parseArgs({ options: {
  customers: { type: 'string', default: '50' }, warm: { type: 'string', default: '20' }, posts: { type: 'string', default: '1' },
  measure: { type: 'string', default: '0' }, concurrent: { type: 'string', default: '1' }, profile: { type: 'string' }, 'session-sql': { type: 'string' }, 'setup-sql': { type: 'string' }, analyze: { type: 'boolean' }, plans: { type: 'boolean' },
} });
const url = process.env.FENQI_BENCH_DATABASE_URL ?? DEFAULT_DATABASE_URL;
const fresh = await openFreshPostgres(url, 4);
const name = (await sql<{ db: string }>`select current_database() as db`.execute(fresh.db)).rows[0]!.db;
const u = new URL(url);
u.pathname = `/${name}`;
let explaining = false;
const types = { getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === INT8_OID ? parseInt8 : oid === DATE_OID ? parseDate : pg.types.getTypeParser(oid, format)) };
// Pipelined as the app's pool is (connect.ts), unless FENQI_PG_PIPELINE=0, for A/B runs.
const pipeline = process.env.FENQI_PG_PIPELINE !== '0';
const raw = new pg.Pool({ connectionString: u.toString(), max: 4, idleTimeoutMillis: 0, types: types as pg.CustomTypesConfig, pipeline });
raw.on('connect', (client) => {
  if (Number(values.posts) === 0) return;
  client.on('notice', (n) => { if (explaining) process.stdout.write(`${n.message}\n\n`); });
  void client.query(`load 'auto_explain'; set auto_explain.log_min_duration = 0; set auto_explain.log_analyze = on; set auto_explain.log_buffers = on;
    set auto_explain.log_nested_statements = on; set auto_explain.log_level = notice; set auto_explain.log_timing = on; set auto_explain.log_triggers = on`);
});
// While measuring: each statement's share of its backend's CPU (clock ticks, so only a sum over many is meaningful) and count.
let attributing = false;
const byStatement = new Map<string, { count: number; cpuUs: number }>();
const ticksOf = (pid: number) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return (Number(f[11]) + Number(f[12])) * 10_000; };
const ourPids = new Set<number>();
raw.on('connect', (client) => {
  ourPids.add((client as unknown as { processID: number }).processID);
  if (values['session-sql']) void client.query(values['session-sql']);
  const query = client.query.bind(client) as (...a: unknown[]) => Promise<unknown>;
  (client as unknown as { query: unknown }).query = async (...args: unknown[]) => {
    if (!attributing) return query(...args);
    const pid = (client as unknown as { processID: number }).processID;
    const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text: string }).text;
    const label = text.replace(/\s+/g, ' ').trim().slice(0, 90);
    const before = ticksOf(pid);
    try { return await query(...args); } finally {
      const e = byStatement.get(label) ?? { count: 0, cpuUs: 0 };
      e.count++; e.cpuUs += ticksOf(pid) - before;
      byStatement.set(label, e);
    }
  };
});
const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: pipelinedPool(preparedPool(raw)) }) });
const config = { ...loadConfig({}, { seedDemo: false }), signingSecret: 'bench', defaultCreditLineFen: 10_000_000_000 };
const { deps } = await wireWith({ ...fresh, db }, config, { log: () => {} });
const targets = await setupStore(deps, Number(values.customers));
// An experiment's schema change (an index or constraint dropped, a storage parameter), made once the store is set up.
if (values['setup-sql']) await sql.raw(values['setup-sql']).execute(db);
const app = await buildServer(deps);
let n = 0;
async function post(): Promise<void> {
  const t = targets[n % targets.length]!;
  const res = await app.inject({ method: 'POST', url: '/v1/me/repayments', headers: { authorization: `Bearer ${t.token}`, 'idempotency-key': `explain-${n++}` },
    payload: { kind: 'amount', planId: t.planId, amount: '0.01' } });
  if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`);
}
/** k repayments at once (k customers in turn): the server's batcher groups them. */
const postTogether = (k: number) => Promise.all(Array.from({ length: k }, () => post()));
for (let i = 0; i < Number(values.warm); i++) await post();
// What autovacuum does on a live system as tables grow: planner statistics of the warmed-up tables
// (a fresh database's tables grow from nothing here faster than autovacuum's one-minute nap).
if (values.analyze) await sql`analyze`.execute(db);
explaining = true;
const together = Math.max(1, Number(values.concurrent));
for (let i = 0; i < Number(values.posts); i++) {
  process.stdout.write(`==== repayment${together > 1 ? ` batch of ${together}` : ''} ${i + 1}\n`);
  await postTogether(together);
}
explaining = false;
if (Number(values.measure) > 0) {
  const pids = [...ourPids];
  const backendCpu = () => pids.reduce((s, pid) => s + ticksOf(pid), 0);
  const m = Number(values.measure);
  const session = values.profile ? new inspector.Session() : null;
  const postTo = (method: string, params?: object) => new Promise<any>((res, rej) => session!.post(method, params, (e, r) => (e ? rej(e) : res(r))));
  if (session) { session.connect(); await postTo('Profiler.enable'); await postTo('Profiler.start'); }
  attributing = true;
  const pg0 = backendCpu();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < m; i += together) await postTogether(Math.min(together, m - i));
  const wall = performance.now() - t0;
  attributing = false;
  if (session) { writeFileSync(values.profile!, JSON.stringify((await postTo('Profiler.stop')).profile)); session.disconnect(); }
  const cpu = process.cpuUsage(cpu0);
  process.stderr.write(`${m} repayments ${together === 1 ? 'one after the other' : `${together} at a time`}, per repayment: wall ${((wall / m) * 1000).toFixed(0)} µs, this process's CPU ${((cpu.user + cpu.system) / m).toFixed(0)} µs, `
    + `database CPU ${((backendCpu() - pg0) / m).toFixed(0)} µs (${pids.length} backends)\n`);
  for (const [label, e] of [...byStatement].sort((a, b) => b[1].cpuUs - a[1].cpuUs)) {
    process.stderr.write(`  ${(e.count / m).toFixed(2)}/repayment  ${(e.cpuUs / m).toFixed(0).padStart(5)} µs  ${label}\n`);
  }
}
if (values.plans) {
  // How each prepared statement has been planned on one of the pool's connections: a statement
  // PostgreSQL keeps planning afresh (custom plans) pays its planning on every execution.
  const client = await raw.connect();
  const { rows } = await client.query(`select generic_plans, custom_plans, regexp_replace(left(statement, 100), '\\s+', ' ', 'g') as sql
    from pg_prepared_statements order by generic_plans + custom_plans desc`);
  client.release();
  for (const r of rows) process.stderr.write(`  generic ${String(r.generic_plans).padStart(4)}  custom ${String(r.custom_plans).padStart(4)}  ${r.sql}\n`);
}
await app.close();
await db.destroy();
await fresh.close();
