/**
 * bench/eod: a portfolio generated straight into the database, then one close of the date its
 * first installments fall due, run as the real CLI (`fenqi eod`) in a child process so its
 * wall time and peak RSS are the close's own.
 *
 *   npx tsx bench/eod/run.ts [--plans 100000] [--workers 2] [--partitions 16] [--page-size 5000]
 *                            [--pglite DIR] [--url postgres://…] [--check] [--keep] [--json]
 *
 * PostgreSQL by default: the scratch database fenqi_bench_eod beside --url (default
 * $FENQI_BENCH_DATABASE_URL, then postgres://postgres@127.0.0.1:5432/postgres), dropped at
 * the end unless --keep. With --pglite DIR the portfolio goes into an embedded database there.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDatabase } from '../../src/adapters/db/connect.ts';
import { setBusinessDate } from '../../src/adapters/db/business-calendar.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { benchDatabaseUrl } from '../db-baseline/baseline.ts';
import { formatMachine, machineInfo } from '../db-baseline/machine.ts';
import { generatePortfolio } from './generate.ts';

const DUE = '2026-03-10';
const { values } = parseArgs({ options: {
  plans: { type: 'string', default: '100000' }, workers: { type: 'string', default: '2' }, partitions: { type: 'string', default: '16' },
  'page-size': { type: 'string', default: '5000' }, pglite: { type: 'string' }, url: { type: 'string', default: benchDatabaseUrl() },
  check: { type: 'boolean', default: false }, keep: { type: 'boolean', default: false }, json: { type: 'boolean', default: false },
} });
const log = (s: string) => process.stderr.write(`${s}\n`);
const plans = Number(values.plans);

async function scratchUrl(): Promise<{ env: Record<string, string>; url?: string; drop(): Promise<void> }> {
  if (values.pglite) {
    rmSync(join(values.pglite, 'pgdata'), { recursive: true, force: true });
    return { env: { FENQI_DATA_DIR: values.pglite }, async drop() { if (!values.keep) rmSync(values.pglite!, { recursive: true, force: true }); } };
  }
  const admin = new pg.Client({ connectionString: values.url });
  await admin.connect();
  await admin.query('drop database if exists fenqi_bench_eod with (force)');
  await admin.query('create database fenqi_bench_eod');
  await admin.end();
  const u = new URL(values.url!);
  u.pathname = '/fenqi_bench_eod';
  return {
    env: { FENQI_DATABASE_URL: u.toString() }, url: u.toString(),
    async drop() {
      if (values.keep) return;
      const c = new pg.Client({ connectionString: values.url }); await c.connect(); await c.query('drop database if exists fenqi_bench_eod with (force)'); await c.end();
    },
  };
}

function runClose(env: Record<string, string>): Promise<{ wallMs: number; out: any }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'eod', '--date', DUE, '--json', '--workers', values.workers!,
      '--partitions', values.partitions!, '--page-size', values['page-size']!], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('exit', (code) => code === 0 ? resolve({ wallMs: Date.now() - started, out: JSON.parse(out) }) : reject(new Error(`eod exited ${code}`)));
  });
}

const place = await scratchUrl();
try {
  const handle = await openDatabase(place.url ? { url: place.url } : { dataDir: values.pglite! });
  log(`generating ${plans} plans (${plans * 12} installments) on ${handle.kind}`);
  const genStarted = Date.now();
  await generatePortfolio(handle.db, plans, DUE, log);
  await setBusinessDate(handle.db, DUE, new Date());
  const genSeconds = (Date.now() - genStarted) / 1000;
  await handle.close();
  log(`generated in ${genSeconds.toFixed(1)} s; closing ${DUE}`);
  const close = await runClose(place.env);
  const run = close.out.runs[0];
  let ledger: string | undefined;
  if (values.check) {
    const h = await openDatabase(place.url ? { url: place.url } : { dataDir: values.pglite! });
    const t = Date.now();
    const r = await checkLedger(h.db);
    ledger = `${r.ok ? 'OK' : `FAILED ${JSON.stringify(r.failures).slice(0, 500)}`} (${((Date.now() - t) / 1000).toFixed(1)} s)`;
    await h.close();
  }
  const result = {
    machine: machineInfo(), database: place.url ? 'postgres' : 'pglite', plans, installments: plans * 12, generateSeconds: genSeconds,
    closeWallSeconds: close.wallMs / 1000, closeReportedSeconds: close.out.seconds, maxRssMb: close.out.maxRssMb,
    workers: Number(values.workers), partitions: Number(values.partitions), pageSize: Number(values['page-size']), counts: run.counts, errors: run.errors, ledger,
  };
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    process.stdout.write(`${formatMachine(result.machine)}\n${result.database}: ${plans} plans, close of ${DUE}: ${result.closeWallSeconds.toFixed(1)} s wall `
      + `(${result.closeReportedSeconds.toFixed(1)} s inside the close), peak RSS ${result.maxRssMb} MB, workers ${result.workers}, partitions ${result.partitions}\n`
      + `counts ${JSON.stringify(run.counts)} errors ${run.errors}${ledger ? `\nledger check ${ledger}` : ''}\n`);
  }
} finally {
  await place.drop();
}
