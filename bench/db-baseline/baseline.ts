/**
 * The database baseline: what this PostgreSQL server does on this machine with pgbench's own
 * simple-update and with "transfer" (two balance UPDATEs + one journal INSERT per transaction,
 * bench/db-baseline/transfer.sql). Fenqi's write benchmarks quote their throughput as a ratio to
 * the transfer baseline measured in the same run, because absolute TPS on a shared 2-core box
 * says more about the neighbours than about the code.
 *
 *   import { transferBaselineTps } from '../db-baseline/baseline.ts';
 *   const baseTps = await transferBaselineTps(8, 15);      // scratch DB created, measured, dropped
 *
 * Or, to measure several client counts on one initialised database:
 *   const db = await createScratchDatabase();
 *   try { for (const c of [1, 8]) console.log((await runWorkload(db, 'transfer', c, 15)).tps); }
 *   finally { await db.drop(); }
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const SCRATCH_DATABASE = 'fenqi_bench_baseline';
export const DEFAULT_SCALE = 10;
export const DEFAULT_THREADS = 2;
export const TRANSFER_SCRIPT = fileURLToPath(new URL('./transfer.sql', import.meta.url));
const PGBENCH = process.env.PGBENCH ?? 'pgbench';
/** Settings that move TPS by multiples; printed beside every figure so a reader can tell. */
const REPORTED_SETTINGS = ['shared_buffers', 'synchronous_commit', 'fsync', 'wal_level', 'max_connections', 'max_wal_size'];

export type Workload = 'simple-update' | 'transfer';
export const WORKLOADS: readonly Workload[] = ['simple-update', 'transfer'];

export interface PgbenchResult {
  workload: Workload;
  clients: number;
  threads: number;
  durationSec: number;
  tps: number;
  latencyAvgMs: number;
  /** pgbench prints a standard deviation only with progress reports (-P), which are always on here. */
  latencyStddevMs: number | null;
  transactions: number;
  failed: number;
}

export interface ScratchDatabase {
  /** Connection URL of the scratch database itself. */
  url: string;
  name: string;
  scale: number;
  serverVersion: string;
  settings: Record<string, string>;
  drop(): Promise<void>;
}

export interface ScratchOptions {
  /** Maintenance connection (any existing database); defaults to FENQI_BENCH_DATABASE_URL or DEFAULT_DATABASE_URL. */
  url?: string;
  scale?: number;
  name?: string;
}

export function benchDatabaseUrl(): string {
  return process.env.FENQI_BENCH_DATABASE_URL || DEFAULT_DATABASE_URL;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Runs pgbench; the connection URL is the last argument and stays out of error messages (it may hold a password). */
async function pgbench(args: string[]): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(PGBENCH, args, { maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr ?? '';
    throw new Error(`${PGBENCH} ${args.slice(0, -1).join(' ')} failed: ${stderr.trim() || (e as Error).message}`);
  }
}

/** Creates (or re-creates) the scratch database, runs pgbench -i at `scale` and adds the journal table. */
export async function createScratchDatabase(opts: ScratchOptions = {}): Promise<ScratchDatabase> {
  const adminUrl = opts.url ?? benchDatabaseUrl();
  const name = opts.name ?? SCRATCH_DATABASE;
  const scale = opts.scale ?? DEFAULT_SCALE;
  const ident = pg.escapeIdentifier(name);
  const { serverVersion, settings } = await withClient(adminUrl, async (c) => {
    // WITH (FORCE): a run killed half-way may have left sessions behind (PostgreSQL 13+).
    await c.query(`DROP DATABASE IF EXISTS ${ident} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${ident}`);
    const version = (await c.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
    const rows = (await c.query<{ name: string; setting: string; unit: string | null }>(
      'SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1) ORDER BY name', [REPORTED_SETTINGS])).rows;
    return { serverVersion: version, settings: Object.fromEntries(rows.map((r) => [r.name, formatSetting(r.setting, r.unit)])) };
  });
  const drop = () => withClient(adminUrl, async (c) => { await c.query(`DROP DATABASE IF EXISTS ${ident} WITH (FORCE)`); });
  const url = withDatabase(adminUrl, name);
  try {
    await pgbench(['-i', '-q', '-s', String(scale), url]);
    await withClient(url, (c) => c.query(`CREATE TABLE bench_journal (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      debit_aid integer NOT NULL,
      credit_aid integer NOT NULL,
      amount_fen bigint NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`));
  } catch (e) {
    await drop();
    throw e;
  }
  return { url, name, scale, serverVersion, settings, drop };
}

function formatSetting(setting: string, unit: string | null): string {
  if (unit === '8kB') return `${(Number(setting) * 8) / 1024} MB`;
  return unit ? `${setting} ${unit}` : setting;
}

/**
 * One pgbench run of `durationSec` at `clients`. A CHECKPOINT first, so a checkpoint owed by the
 * previous run is not charged to this one; the journal is emptied so every transfer run starts
 * from the same table size.
 */
export async function runWorkload(db: ScratchDatabase, workload: Workload, clients: number, durationSec: number, threads = DEFAULT_THREADS): Promise<PgbenchResult> {
  await withClient(db.url, async (c) => {
    if (workload === 'transfer') await c.query('TRUNCATE bench_journal');
    // CHECKPOINT needs superuser or pg_checkpoint; without either the run goes ahead without it.
    await c.query('CHECKPOINT').catch((e: { code?: string }) => { if (e.code !== '42501') throw e; });
  });
  const jobs = Math.min(threads, clients);
  const script = workload === 'transfer' ? ['-f', TRANSFER_SCRIPT, '-s', String(db.scale)] : ['-N'];
  const progressSec = Math.max(1, Math.min(5, Math.floor(durationSec / 3)));
  const out = await pgbench(['-T', String(durationSec), '-c', String(clients), '-j', String(jobs), '-P', String(progressSec), ...script, db.url]);
  return { workload, clients, threads: jobs, durationSec, ...parsePgbenchOutput(out) };
}

/** Reads the summary pgbench 15 prints on stdout. */
export function parsePgbenchOutput(out: string): Pick<PgbenchResult, 'tps' | 'latencyAvgMs' | 'latencyStddevMs' | 'transactions' | 'failed'> {
  const num = (re: RegExp): number | null => {
    const m = re.exec(out);
    return m ? Number(m[1]) : null;
  };
  const tps = num(/^tps = ([\d.]+)/m);
  const latencyAvgMs = num(/^latency average = ([\d.]+) ms/m);
  const transactions = num(/^number of transactions actually processed: (\d+)/m);
  if (tps === null || latencyAvgMs === null || transactions === null) throw new Error(`unexpected pgbench output:\n${out}`);
  return { tps, latencyAvgMs, latencyStddevMs: num(/^latency stddev = ([\d.]+) ms/m), transactions, failed: num(/^number of failed transactions: (\d+)/m) ?? 0 };
}

/**
 * An unrecorded transfer run, so the first measured run does not pay for cold caches and the
 * freshly loaded tables' first writes (hint bits, full-page images).
 */
export async function warmUp(db: ScratchDatabase, seconds: number, threads = DEFAULT_THREADS): Promise<void> {
  if (seconds > 0) await runWorkload(db, 'transfer', threads, seconds, threads);
}

export interface TransferBaselineOptions extends ScratchOptions {
  clients: number;
  durationSec: number;
  threads?: number;
  /** Unrecorded warm-up on a database created for this call; default 5 s. Ignored when `db` is given. */
  warmupSec?: number;
  /** An already initialised scratch database; when absent one is created for this call and dropped after. */
  db?: ScratchDatabase;
}

/** The transfer baseline at one client count: for benchmarks that quote their TPS as a ratio to it. */
export async function runTransferBaseline(opts: TransferBaselineOptions): Promise<PgbenchResult> {
  if (opts.db) return runWorkload(opts.db, 'transfer', opts.clients, opts.durationSec, opts.threads);
  const db = await createScratchDatabase(opts);
  try {
    await warmUp(db, opts.warmupSec ?? 5, opts.threads);
    return await runWorkload(db, 'transfer', opts.clients, opts.durationSec, opts.threads);
  } finally {
    await db.drop();
  }
}

export async function transferBaselineTps(clients: number, durationSec: number, opts: Omit<TransferBaselineOptions, 'clients' | 'durationSec'> = {}): Promise<number> {
  return (await runTransferBaseline({ ...opts, clients, durationSec })).tps;
}
