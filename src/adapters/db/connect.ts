import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Kysely, Migrator, PostgresDialect, sql, type LogEvent } from 'kysely';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { ACCOUNTS } from '../../core/ledger/accounts.ts';
import { migrationProvider } from './migrations/index.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import { pipelinedPool } from './pipelined-pool.ts';
import { preparedPool } from './prepared-pool.ts';
import { DATE_OID, INT8_OID, parseDate, parseInt8 } from './type-parsers.ts';
import type { Database } from './schema.ts';

export type DatabaseKind = 'pglite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /** Where it lives, for people: a folder or a URL without its password. */
  location: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres://… to use a server; otherwise PGlite. */
  url?: string;
  /** PGlite data folder; 'memory://' for an in-memory database (tests). */
  dataDir?: string;
  poolSize?: number;
  migrate?: boolean;
}

/** Opens PGlite or a PostgreSQL server, runs pending migrations and syncs the chart of accounts. */
export async function openDatabase(options: OpenOptions): Promise<DatabaseHandle> {
  const handle = options.url ? openServer(options.url, options.poolSize ?? 20) : await openEmbedded(options.dataDir ?? './.fenqi');
  if (options.migrate !== false) {
    await migrateToLatest(handle.db);
    await syncChartOfAccounts(handle.db);
  }
  return handle;
}

function openServer(url: string, poolSize: number): DatabaseHandle {
  const types = {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      if (oid === INT8_OID) return parseInt8;
      if (oid === DATE_OID) return parseDate;
      return pg.types.getTypeParser(oid, format);
    },
  };
  // pipeline: queries go out without waiting for the answer before (pipelined-pool.ts uses it to
  // send BEGIN and a transaction's last write ahead); FENQI_PG_PIPELINE=0 turns it off.
  const pipeline = process.env.FENQI_PG_PIPELINE !== '0';
  const raw = new pg.Pool({ connectionString: url, max: poolSize, types: types as pg.CustomTypesConfig, pipeline });
  // An idle connection the server closes (restart, a dropped test database) must not crash the process.
  raw.on('error', () => {});
  const pool = pipelinedPool(process.env.FENQI_PG_PREPARED === '0' ? raw : preparedPool(raw));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...queryLog() });
  return { db, kind: 'postgres', location: redactUrl(url), close: () => db.destroy() };
}

async function openEmbedded(dataDir: string): Promise<DatabaseHandle> {
  const inMemory = dataDir.startsWith('memory://');
  const location = inMemory ? dataDir : resolve(dataDir, 'pgdata');
  if (!inMemory) mkdirSync(location, { recursive: true });
  const pglite = await PGlite.create({
    ...(inMemory ? {} : { dataDir: location }),
    parsers: { [INT8_OID]: parseInt8, [DATE_OID]: parseDate },
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite), ...queryLog() });
  return { db, kind: 'pglite', location, close: () => db.destroy() };
}

/** FENQI_QUERY_LOG=1 prints each query's duration and first line to stderr (for profiling). */
function queryLog(): { log?: (event: LogEvent) => void } {
  if (!process.env.FENQI_QUERY_LOG) return {};
  return { log: (e) => process.stderr.write(`[sql ${e.queryDurationMillis.toFixed(2)} ms] ${e.query.sql.replace(/\s+/g, ' ').slice(0, 140)}\n`) };
}

export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** The chart lives in code (core/ledger/accounts.ts); the table mirrors it so postings can reference codes. */
async function syncChartOfAccounts(db: Kysely<Database>): Promise<void> {
  const rows = Object.entries(ACCOUNTS).map(([code, a]) => ({ code, name: a.name, normal_side: a.normal }));
  await db.insertInto('ledger_accounts').values(rows)
    .onConflict((oc) => oc.column('code').doUpdateSet({ name: (eb) => eb.ref('excluded.name') }))
    .execute();
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparseable url)';
  }
}

export async function ping(db: Kysely<Database>): Promise<boolean> {
  const r = await sql<{ one: number }>`select 1 as one`.execute(db);
  return r.rows[0]?.one === 1;
}
