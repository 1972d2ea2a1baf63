/**
 * bench/repayments: repayments posted per second through the full HTTP path (auth,
 * validation, idempotency, allocation, ledger, outbox, audit) at 1, 8 and 32 concurrent
 * clients, beside the database's own transfer-script TPS measured in the same run.
 *
 *   npx tsx bench/repayments/run.ts [--db postgres|pglite] [--clients 1,8,32] [--seconds 15] [--customers 2000] [--rounds 1] [--json]
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildServer } from '../../src/adapters/http/server.ts';
import { openDatabase } from '../../src/adapters/db/connect.ts';
import { loadConfig } from '../../src/config.ts';
import { wireWith } from '../../src/wiring.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { openFreshPostgres } from '../../test/support/db.ts';
import { createScratchDatabase, runWorkload, DEFAULT_DATABASE_URL } from '../db-baseline/baseline.ts';
import { machineInfo } from '../db-baseline/machine.ts';
import { setupStore, type BenchTarget } from './setup.ts';

const { values } = parseArgs({ options: {
  db: { type: 'string', default: 'postgres' }, clients: { type: 'string', default: '1,8,32' }, seconds: { type: 'string', default: '15' },
  customers: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '1' }, json: { type: 'boolean' }, pool: { type: 'string', default: '32' },
} });
const url = process.env.FENQI_BENCH_DATABASE_URL ?? DEFAULT_DATABASE_URL;
const clientsList = values.clients!.split(',').map(Number);
const seconds = Number(values.seconds);
const LOAD = fileURLToPath(new URL('./load.ts', import.meta.url));

interface LoadResult { count: number; errors: number; firstError: string; p50: number; p99: number; seconds: number }

function runLoad(serverUrl: string, clients: number, targets: BenchTarget[], label: string): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const job = JSON.stringify({ url: serverUrl, clients, seconds, targets: targets.map(({ token, planId }) => ({ token, planId })), label });
    const child = spawn(process.execPath, ['--import', 'tsx', LOAD, job], { stdio: ['ignore', 'pipe', 'inherit'] });
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
const app = await buildServer(deps);
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address() as { port: number };
const serverUrl = `http://127.0.0.1:${address.port}`;
const baseline = values.db === 'postgres' ? await createScratchDatabase({ url }) : null;

const rows = [];
try {
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const clients of clientsList) {
      const base = baseline ? await runWorkload(baseline, 'transfer', clients, seconds) : null;
      let rss = 0;
      const sampler = setInterval(() => { rss = Math.max(rss, process.memoryUsage().rss); }, 200);
      const load = await runLoad(serverUrl, clients, targets, `r${round}c${clients}`);
      clearInterval(sampler);
      const tps = load.count / load.seconds;
      rows.push({ round, clients, repaymentsPerSec: tps, p50Ms: load.p50, p99Ms: load.p99, errors: load.errors, firstError: load.firstError,
        rssMb: rss / 1048576, baselineTransferTps: base?.tps ?? null, ratio: base ? tps / base.tps : null });
      process.stderr.write(`round ${round} clients ${clients}: ${tps.toFixed(0)} repayments/s (p50 ${load.p50.toFixed(1)} ms, p99 ${load.p99.toFixed(1)} ms, errors ${load.errors}${load.firstError ? ` ${load.firstError}` : ''})${base ? ` vs transfer ${base.tps.toFixed(0)} TPS → ${(tps / base.tps).toFixed(2)}×` : ''}\n`);
    }
  }
} finally {
  await app.close();
  const report = await checkLedger(deps.db);
  process.stderr.write(`ledger check after the run: ${report.ok ? 'OK' : `FAILED ${JSON.stringify(report.failures)}`} (${report.counts.entries} entries)\n`);
  await handle.close();
  await baseline?.drop();
}

const machine = machineInfo();
if (values.json) {
  process.stdout.write(`${JSON.stringify({ db: values.db, machine, rows })}\n`);
} else {
  process.stdout.write(`\n| db | clients | repayments/s | p50 ms | p99 ms | RSS MB | transfer TPS | ratio |\n|---|---|---|---|---|---|---|---|\n`);
  for (const r of rows) {
    process.stdout.write(`| ${values.db} | ${r.clients} | ${r.repaymentsPerSec.toFixed(0)} | ${r.p50Ms.toFixed(1)} | ${r.p99Ms.toFixed(1)} | ${r.rssMb.toFixed(0)} | ${r.baselineTransferTps?.toFixed(0) ?? '—'} | ${r.ratio?.toFixed(2) ?? '—'} |\n`);
  }
}
