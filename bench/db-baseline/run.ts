/**
 * Database baseline: pgbench simple-update (-N) and the "transfer" script at several client
 * counts, on a scratch database that is created here and dropped at the end.
 *
 *   npx tsx bench/db-baseline/run.ts [--json] [--url postgres://...] [--scale 10] [--duration 15] [--clients 1,8,32] [--threads 2] [--keep]
 *
 * --url defaults to FENQI_BENCH_DATABASE_URL, then postgres://postgres@127.0.0.1:5432/postgres;
 * it names the maintenance connection, the scratch database is fenqi_bench_baseline beside it.
 */
import { parseArgs } from 'node:util';
import { benchDatabaseUrl, createScratchDatabase, runWorkload, WORKLOADS, type PgbenchResult, type ScratchDatabase } from './baseline.ts';
import { formatMachine, machineInfo } from './machine.ts';

interface Options { json: boolean; url: string; scale: number; durationSec: number; clients: number[]; threads: number; keep: boolean }

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      url: { type: 'string', default: benchDatabaseUrl() },
      scale: { type: 'string', default: '10' },
      duration: { type: 'string', default: '15' },
      clients: { type: 'string', default: '1,8,32' },
      threads: { type: 'string', default: '2' },
      keep: { type: 'boolean', default: false },
    },
  });
  return {
    json: values.json!, url: values.url!, scale: positive(values.scale!, 'scale'), durationSec: positive(values.duration!, 'duration'),
    clients: values.clients!.split(',').map((c) => positive(c, 'clients')), threads: positive(values.threads!, 'threads'), keep: values.keep!,
  };
}

function positive(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer; got ${text}`);
  return n;
}

/** Workloads alternate within each client count, so a noisy minute lands on both. */
async function measureAll(db: ScratchDatabase, o: Options, log: (s: string) => void): Promise<PgbenchResult[]> {
  const results: PgbenchResult[] = [];
  for (const clients of o.clients) {
    for (const workload of WORKLOADS) {
      log(`  ${workload} · ${clients} clients · ${o.durationSec} s …`);
      results.push(await runWorkload(db, workload, clients, o.durationSec, o.threads));
    }
  }
  return results;
}

const fixed = (n: number | null, digits: number): string => (n === null ? '—' : n.toFixed(digits));

function table(results: PgbenchResult[]): string {
  const transfer = new Map(results.filter((r) => r.workload === 'transfer').map((r) => [r.clients, r.tps]));
  const lines = [
    '| workload | clients | threads | TPS | latency avg (ms) | latency stddev (ms) | transactions | failed | TPS ÷ transfer TPS |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of results) {
    const base = transfer.get(r.clients);
    lines.push(`| ${r.workload} | ${r.clients} | ${r.threads} | ${fixed(r.tps, 0)} | ${fixed(r.latencyAvgMs, 2)} | ${fixed(r.latencyStddevMs, 2)} | ${r.transactions} | ${r.failed} | ${base ? (r.tps / base).toFixed(2) : '—'} |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const o = parseOptions();
  const log = (s: string) => { if (!o.json) console.error(s); };
  const machine = machineInfo();
  log(`creating scratch database and running pgbench -i -s ${o.scale} …`);
  const db = await createScratchDatabase({ url: o.url, scale: o.scale });
  const cleanUp = async () => { if (!o.keep) await db.drop(); };
  process.once('SIGINT', () => { void cleanUp().finally(() => process.exit(130)); });
  let results: PgbenchResult[];
  try {
    results = await measureAll(db, o, log);
  } finally {
    await cleanUp();
  }
  if (o.json) {
    const { drop: _drop, ...database } = db;
    console.log(JSON.stringify({ benchmark: 'db-baseline', machine, database: { ...database, url: redact(database.url) }, options: { ...o, url: redact(o.url) }, results }, null, 2));
    return;
  }
  console.log(`Machine: ${formatMachine(machine, { PostgreSQL: db.serverVersion })}`);
  console.log(`Server settings: ${Object.entries(db.settings).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  console.log(`pgbench scale ${o.scale}, ${o.durationSec} s per run, -j ${o.threads} (capped at the client count)${o.keep ? `, database ${db.name} kept` : ''}\n`);
  console.log(table(results));
}

/** Never print a password that came in through the URL. */
function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

await main().catch((e: unknown) => {
  console.error(`db-baseline: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
