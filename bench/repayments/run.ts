/**
 * bench/repayments: repayments posted per second through the full HTTP path (auth,
 * validation, idempotency, allocation, ledger, outbox, audit) at 1, 8 and 32 concurrent
 * clients, beside the database's own transfer-script TPS measured in the same run.
 *
 *   npx tsx bench/repayments/run.ts [--db postgres|pglite] [--clients 1,8,32] [--seconds 15] [--customers 2000]
 *       [--scenarios uniform,hot,unbatched,peer-http,peer-transfer] [--rounds 1] [--pool 32] [--json] [--profile DIR]
 *
 * Scenarios, run one after the other at each client count, right after the transfer baseline:
 * - uniform: each request repays 0.01 on a random customer's plan (of --customers). Every
 *   sandbox repayment debits the one cash account `cash.sandbox` — the hot cash account —
 *   which, in Fenqi's ledger, is postings rows only (no balance row to update).
 * - hot: every request repays on ONE customer's plan: the same credit line row, installment
 *   row and customer lock for all of them, the hottest rows a repayment touches here.
 * - unbatched: uniform, through a second server whose batcher takes one request per
 *   transaction (maxBatch 1, up to --pool transactions at once): the same code without
 *   grouping, for an in-run comparison.
 * - peer-http, peer-transfer (peers.ts): the same load generator against a bare Fastify route
 *   (no database), and against one running the transfer script as one transaction per request
 *   from Node: the floor of Node HTTP on this machine, in the same run.
 * --profile DIR writes a CPU profile of the server process per load (not of setup), for
 * `npx tsx bench/quote/profile-summary.ts DIR/*.cpuprofile`.
 * A scenario may name the batcher's maxInFlight after an @ (`uniform@8,hot@8,uniform@16`):
 * each distinct setting gets its own server, so settings are compared within one run.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import inspector from 'node:inspector';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { buildServer } from '../../src/adapters/http/server.ts';
import { openDatabase } from '../../src/adapters/db/connect.ts';
import { loadConfig } from '../../src/config.ts';
import { wireWith } from '../../src/wiring.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { batchStats } from '../../src/app/servicing/batch/repayment-batcher.ts';
import { openFreshPostgres } from '../../test/support/db.ts';
import { createScratchDatabase, runWorkload, DEFAULT_DATABASE_URL, SCRATCH_DATABASE } from '../db-baseline/baseline.ts';
import { machineInfo } from '../db-baseline/machine.ts';
import { setupStore, type BenchTarget } from './setup.ts';
import { PEERS, startPeer, type Peer, type PeerKind } from './peers.ts';

const { values } = parseArgs({ options: {
  db: { type: 'string', default: 'postgres' }, clients: { type: 'string', default: '1,8,32' }, seconds: { type: 'string', default: '15' },
  customers: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '1' }, json: { type: 'boolean' }, pool: { type: 'string', default: '32' },
  scenarios: { type: 'string', default: 'uniform,hot,unbatched' }, profile: { type: 'string' },
} });
const url = process.env.FENQI_BENCH_DATABASE_URL ?? DEFAULT_DATABASE_URL;
const clientsList = values.clients!.split(',').map(Number);
const seconds = Number(values.seconds);
const scenarios = values.scenarios!.split(',');
const LOAD = fileURLToPath(new URL('./load.ts', import.meta.url));

type Scenario = string;
const kindOf = (scenario: Scenario) => scenario.split('@')[0] as 'uniform' | 'hot' | 'unbatched' | PeerKind;
const isPeer = (scenario: Scenario) => (PEERS as readonly string[]).includes(kindOf(scenario));
const inFlightOf = (scenario: Scenario) => scenario.split('@')[1] ?? (kindOf(scenario) === 'unbatched' ? values.pool! : '');
interface LoadResult { count: number; errors: number; firstError: string; p50: number; p99: number; seconds: number; cpuUs: number }

function runLoad(serverUrl: string, clients: number, targets: BenchTarget[], label: string): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const job = JSON.stringify({ url: serverUrl, clients, seconds, targets: targets.map(({ token, planId }) => ({ token, planId })), label });
    const child = spawn(process.execPath, ['--import', 'tsx', LOAD], { stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdin.end(job);
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`load exited ${code}`))));
  });
}

const handle = values.db === 'pglite' ? await openDatabase({ dataDir: 'memory://' }) : await openFreshPostgres(url, Number(values.pool));
const config = { ...loadConfig({}, { seedDemo: false }), signingSecret: 'bench', defaultCreditLineFen: 10_000_000_000 };
const { deps } = await wireWith(handle, config, { log: () => {} });
process.stderr.write(`setting up ${values.customers} customers on ${handle.kind}…\n`);
const targets = await setupStore(deps, Number(values.customers));

async function serve(env: Record<string, string>): Promise<{ url: string; close: () => Promise<void> }> {
  // The route reads its batcher settings when it is registered.
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const app = await buildServer(deps);
  for (const [k, v] of Object.entries(saved)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`, close: () => app.close() };
}
const servers = new Map<string, { url: string; close: () => Promise<void> }>();
for (const scenario of scenarios) {
  if (isPeer(scenario)) continue;
  const unbatched = kindOf(scenario) === 'unbatched';
  const key = `${unbatched ? 'unbatched' : 'batched'}@${inFlightOf(scenario)}`;
  if (servers.has(key)) continue;
  const env: Record<string, string> = unbatched ? { FENQI_REPAYMENT_BATCH_MAX: '1' } : {};
  if (inFlightOf(scenario)) env.FENQI_REPAYMENT_BATCH_IN_FLIGHT = inFlightOf(scenario);
  servers.set(key, await serve(env));
}
const baseline = values.db === 'postgres' ? await createScratchDatabase({ url }) : null;
const peers = new Map<string, Peer>();
for (const scenario of scenarios.filter(isPeer)) peers.set(scenario, await startPeer(kindOf(scenario) as PeerKind, baseline?.url ?? null, Number(values.pool)));
const serverOf = (scenario: Scenario) => peers.get(scenario) ?? servers.get(`${kindOf(scenario) === 'unbatched' ? 'unbatched' : 'batched'}@${inFlightOf(scenario)}`)!;

/**
 * CPU microseconds the database server spent serving one database's clients (summed over its
 * client backends from /proc, so only when PostgreSQL runs on this machine; autovacuum and the
 * server's own processes are left out). Sampled while a load runs, because a backend's
 * counters vanish when it exits. The sampler has its own connection (not the server's pool,
 * whose connections the load needs), never overlaps itself, and end() waits for the sample in
 * flight: an earlier version queried through the app's handle from a timer that outlived it.
 */
function backendCpu(database: string) {
  const seen = new Map<number, number>();
  const client = new pg.Client({ connectionString: url });
  let running: Promise<void> = Promise.resolve();
  const sampleOnce = async () => {
    const r = await client.query<{ pid: number }>(`select pid from pg_stat_activity where datname = $1 and backend_type = 'client backend'`, [database]);
    for (const { pid } of r.rows) {
      try {
        const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        seen.set(pid, (Number(f[11]) + Number(f[12])) * 10_000);
      } catch { /* not local, or gone */ }
    }
  };
  const sample = () => (running = running.then(sampleOnce).catch((e: Error) => { process.stderr.write(`CPU sample failed: ${e.message}\n`); }));
  const total = () => [...seen.values()].reduce((s, v) => s + v, 0);
  let start = 0;
  let timer: NodeJS.Timeout | undefined;
  return {
    async begin() {
      if (handle.kind !== 'postgres') return;
      await client.connect();
      await sample();
      start = total();
      timer = setInterval(() => { void sample(); }, 250);
    },
    async end(): Promise<number | null> {
      if (!timer) return null;
      clearInterval(timer);
      await sample();
      await client.end();
      const used = total() - start;
      return used > 0 ? used : null;
    },
  };
}
/** A CPU profile of this process (the server) from now until stop(). */
async function startProfile() {
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object) => new Promise<any>((res, rej) => session.post(method, params, (e, r) => (e ? rej(e) : res(r))));
  await post('Profiler.enable');
  await post('Profiler.start');
  return {
    async stop(file: string) {
      const { profile } = await post('Profiler.stop');
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

const ourDatabase = handle.kind === 'postgres' ? (await sql<{ db: string }>`select current_database() as db`.execute(deps.db)).rows[0]!.db : '';

interface Row {
  round: number; clients: number; scenario: Scenario; repaymentsPerSec: number; p50Ms: number; p99Ms: number; errors: number; firstError: string;
  rssMb: number; meanBatch: number; serverCpuUs: number; pgCpuUs: number | null; loadCpuUs: number;
  baselineTransferTps: number | null; baselinePgCpuUs: number | null; ratio: number | null; vsUniform: number | null;
  /** This row's rate over peer-transfer's (the transfer script per request through Node HTTP) at the same clients in the same round. */
  vsPeer: number | null;
}
const rows: Row[] = [];
try {
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const clients of clientsList) {
      let base: { tps: number; pgCpuUs: number | null } | null = null;
      if (baseline) {
        const cpu = backendCpu(SCRATCH_DATABASE);
        await cpu.begin();
        const r = await runWorkload(baseline, 'transfer', clients, seconds);
        const used = await cpu.end();
        base = { tps: r.tps, pgCpuUs: used === null ? null : used / r.transactions };
        process.stderr.write(`round ${round} clients ${clients}: transfer ${r.tps.toFixed(0)} TPS${base.pgCpuUs ? ` (database CPU ${base.pgCpuUs.toFixed(0)} µs/transaction)` : ''}\n`);
      }
      const uniformTps = new Map<string, number>();
      for (const scenario of scenarios) {
        const server = serverOf(scenario);
        const list = kindOf(scenario) === 'hot' ? [targets[0]!] : targets;
        let rss = 0;
        const sampler = setInterval(() => { rss = Math.max(rss, process.memoryUsage().rss); }, 200);
        const db = backendCpu(kindOf(scenario) === 'peer-transfer' ? SCRATCH_DATABASE : ourDatabase);
        await db.begin();
        const cpu0 = process.cpuUsage();
        const stats0 = { ...batchStats };
        const label = `r${round}c${clients}${scenario.replace('@', '-')}`;
        const profiler = values.profile ? await startProfile() : null;
        const load = await runLoad(server.url, clients, list, label);
        if (profiler) await profiler.stop(`${values.profile}/${label}.cpuprofile`);
        const cpu = process.cpuUsage(cpu0);
        const pgUsed = await db.end();
        clearInterval(sampler);
        const tps = load.count / load.seconds;
        if (kindOf(scenario) === 'uniform') uniformTps.set(inFlightOf(scenario), tps);
        const uniform = kindOf(scenario) === 'hot' ? uniformTps.get(inFlightOf(scenario)) : kindOf(scenario) === 'unbatched' ? uniformTps.get('') : undefined;
        const batches = isPeer(scenario) ? 0 : batchStats.batches - stats0.batches;
        const peer = rows.find((r) => r.round === round && r.clients === clients && r.scenario === 'peer-transfer');
        const n = Math.max(1, load.count);
        const row: Row = {
          round, clients, scenario, repaymentsPerSec: tps, p50Ms: load.p50, p99Ms: load.p99, errors: load.errors, firstError: load.firstError,
          rssMb: rss / 1048576, meanBatch: batches ? (batchStats.items - stats0.items) / batches : 0,
          serverCpuUs: (cpu.user + cpu.system) / n, pgCpuUs: pgUsed === null ? null : pgUsed / n, loadCpuUs: load.cpuUs / n,
          baselineTransferTps: base?.tps ?? null, baselinePgCpuUs: base?.pgCpuUs ?? null, ratio: base ? tps / base.tps : null,
          vsUniform: uniform ? tps / uniform : null, vsPeer: peer && !isPeer(scenario) ? tps / peer.repaymentsPerSec : null,
        };
        rows.push(row);
        process.stderr.write(`round ${round} clients ${clients} ${scenario}: ${tps.toFixed(0)} repayments/s (p50 ${load.p50.toFixed(1)} ms, p99 ${load.p99.toFixed(1)} ms, `
          + `errors ${load.errors}${load.firstError ? ` ${load.firstError}` : ''}, mean batch ${row.meanBatch.toFixed(1)}, CPU µs/repayment: server ${row.serverCpuUs.toFixed(0)}`
          + `${row.pgCpuUs !== null ? `, database ${row.pgCpuUs.toFixed(0)}` : ''}, load generator ${row.loadCpuUs.toFixed(0)})`
          + `${row.ratio !== null ? ` → ${row.ratio.toFixed(2)}× transfer` : ''}${row.vsUniform !== null ? `, ${row.vsUniform.toFixed(2)}× uniform` : ''}`
          + `${row.vsPeer !== null ? `, ${row.vsPeer.toFixed(2)}× peer-transfer` : ''}\n`);
      }
    }
  }
} finally {
  for (const server of [...servers.values(), ...peers.values()]) await server.close();
  const report = await checkLedger(deps.db);
  process.stderr.write(`ledger check after the run: ${report.ok ? 'OK' : `FAILED ${JSON.stringify(report.failures)}`} (${report.counts.entries} entries)\n`);
  const cash = await sql<{ account: string; postings: number }>`
    select p.debit_account as account, count(*)::int as postings from postings as p
    join journal_entries as e on e.customer_id = p.customer_id and e.id = p.entry_id
    where e.kind = 'repayment' group by p.debit_account order by 2 desc`.execute(deps.db);
  process.stderr.write(`accounts debited by repayment entries: ${cash.rows.map((r) => `${r.account} (${r.postings} postings)`).join(', ')}\n`);
  await handle.close();
  await baseline?.drop();
}

const machine = machineInfo();
if (values.json) {
  process.stdout.write(`${JSON.stringify({ db: values.db, machine, rows })}\n`);
} else {
  process.stdout.write(`\n| db | clients | scenario | repayments/s | p50 ms | p99 ms | mean batch | CPU µs/repayment: server / database / load | transfer TPS (database CPU µs/txn) | ratio to transfer | ratio to uniform | ratio to peer-transfer |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n`);
  for (const r of rows) {
    const cpu = `${r.serverCpuUs.toFixed(0)} / ${r.pgCpuUs?.toFixed(0) ?? '—'} / ${r.loadCpuUs.toFixed(0)}`;
    const base = r.baselineTransferTps === null ? '—' : `${r.baselineTransferTps.toFixed(0)}${r.baselinePgCpuUs ? ` (${r.baselinePgCpuUs.toFixed(0)})` : ''}`;
    process.stdout.write(`| ${values.db} | ${r.clients} | ${r.scenario} | ${r.repaymentsPerSec.toFixed(0)} | ${r.p50Ms.toFixed(1)} | ${r.p99Ms.toFixed(1)} | ${r.meanBatch.toFixed(1)} | ${cpu} | ${base} | ${r.ratio?.toFixed(2) ?? '—'} | ${r.vsUniform?.toFixed(2) ?? '—'} | ${r.vsPeer?.toFixed(2) ?? '—'} |\n`);
  }
}
