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
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDatabase } from '../../src/adapters/db/connect.ts';
import { setBusinessDate } from '../../src/adapters/db/business-calendar.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { benchDatabaseUrl } from '../db-baseline/baseline.ts';
import { formatMachine, machineInfo } from '../db-baseline/machine.ts';
import { generatePortfolio } from './generate.ts';
import { databaseBaseline } from './baseline.ts';
import { up as closeSpeedMigration } from '../../src/adapters/db/migrations/0013-close-speed.ts';
import { up as closeSpeed2Migration } from '../../src/adapters/db/migrations/0015-close-speed-2.ts';

const DUE = '2026-03-10';
const { values } = parseArgs({ options: {
  plans: { type: 'string', default: '100000' }, workers: { type: 'string', default: '2' }, partitions: { type: 'string', default: '16' },
  'page-size': { type: 'string', default: '5000' }, pglite: { type: 'string' }, url: { type: 'string', default: benchDatabaseUrl() },
  check: { type: 'boolean', default: false }, keep: { type: 'boolean', default: false }, json: { type: 'boolean', default: false },
  template: { type: 'boolean', default: false }, 'generate-only': { type: 'boolean', default: false },
} });
const log = (s: string) => process.stderr.write(`${s}\n`);
const plans = Number(values.plans);

interface Place { env: Record<string, string>; url?: string; generated: boolean; drop(): Promise<void> }

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: values.url });
  await c.connect();
  try { return await fn(c); } finally { await c.end(); }
}

/**
 * The scratch database. With --template (PostgreSQL) the generated portfolio is kept as
 * fenqi_bench_eod_tpl_<plans> and each run closes a fresh copy of it (CREATE DATABASE …
 * TEMPLATE copies files: a minute instead of the 10+ minutes 1M plans take to generate), so
 * a change to the close can be measured again on the same rows.
 */
async function scratch(): Promise<Place> {
  if (values.pglite) {
    rmSync(join(values.pglite, 'pgdata'), { recursive: true, force: true });
    return { env: { FENQI_DATA_DIR: values.pglite }, generated: false, async drop() { if (!values.keep) rmSync(values.pglite!, { recursive: true, force: true }); } };
  }
  const tpl = `fenqi_bench_eod_tpl_${plans}`;
  const withDb = (name: string) => { const u = new URL(values.url!); u.pathname = `/${name}`; return u.toString(); };
  let generated = false;
  if (values.template) {
    const have = await admin((c) => c.query('select 1 from pg_database where datname = $1', [tpl]));
    if (have.rowCount === 0) {
      await admin((c) => c.query(`create database ${tpl}`));
      await generateInto({ url: withDb(tpl) });
    }
    generated = true;
    // Generation alone (10+ minutes at 1M) can run outside the bench lock; the timed close
    // is then a second invocation under it.
    if (values['generate-only']) { log(`template ${tpl} ready`); process.exit(0); }
  }
  await admin(async (c) => {
    await c.query('drop database if exists fenqi_bench_eod with (force)');
    // FILE_COPY copies the template's files after a checkpoint instead of writing all of them
    // through the WAL (PostgreSQL 15's default, 7 GB of WAL at 1M plans); the checkpoint after
    // it flushes what is left, so neither the baseline nor the close below runs under the
    // copy's write-back.
    await c.query(values.template ? `create database fenqi_bench_eod template ${tpl} strategy file_copy` : 'create database fenqi_bench_eod');
    await c.query('checkpoint');
  });
  const url = withDb('fenqi_bench_eod');
  return {
    env: { FENQI_DATABASE_URL: url }, url, generated,
    async drop() { if (!values.keep) await admin((c) => c.query('drop database if exists fenqi_bench_eod with (force)')); },
  };
}

let genSeconds = 0;
async function generateInto(where: { url: string } | { dataDir: string }): Promise<void> {
  const handle = await openDatabase(where);
  try {
    log(`generating ${plans} plans (${plans * 12} installments) on ${handle.kind}`);
    const started = Date.now();
    await generatePortfolio(handle.db, plans, DUE, log);
    await setBusinessDate(handle.db, DUE, new Date());
    genSeconds = (Date.now() - started) / 1000;
    log(`generated in ${genSeconds.toFixed(1)} s`);
  } finally {
    await handle.close();
  }
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

const place = await scratch();
try {
  const where = place.url ? { url: place.url } : { dataDir: values.pglite! };
  if (!place.generated) await generateInto(where);
  // Migrations added since the template was made, and the database baseline, before the timed close.
  const h0 = await openDatabase(where);
  // A template made before the close's migration slot was filled in recorded it as applied
  // while empty; its statements are idempotent, so they are run on the copy again.
  if (place.generated) { await closeSpeedMigration(h0.db); await closeSpeed2Migration(h0.db); }
  const baseline = await databaseBaseline(h0.db, DUE);
  await h0.close();
  log(`database baseline: ${baseline.seconds.toFixed(1)} s (${JSON.stringify(baseline.rows)}); closing ${DUE}`);
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
    machine: machineInfo(), load: loadavg().map((l) => l.toFixed(2)).join(' '), database: place.url ? 'postgres' : 'pglite', plans, installments: plans * 12,
    generateSeconds: genSeconds || null, baselineSeconds: baseline.seconds, baselineRows: baseline.rows,
    closeWallSeconds: close.wallMs / 1000, closeReportedSeconds: close.out.seconds, maxRssMb: close.out.maxRssMb,
    workers: Number(values.workers), partitions: Number(values.partitions), pageSize: Number(values['page-size']), counts: run.counts, errors: run.errors, ledger,
  };
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    process.stdout.write(`${formatMachine(result.machine)}\n${result.database}: ${plans} plans, close of ${DUE}: ${result.closeWallSeconds.toFixed(1)} s wall `
      + `(${result.closeReportedSeconds.toFixed(1)} s inside the close; database baseline ${baseline.seconds.toFixed(1)} s), load ${result.load}, peak RSS ${result.maxRssMb} MB, workers ${result.workers}, partitions ${result.partitions}\n`
      + `counts ${JSON.stringify(run.counts)} errors ${run.errors}${ledger ? `\nledger check ${ledger}` : ''}\n`);
  }
} finally {
  await place.drop();
}
