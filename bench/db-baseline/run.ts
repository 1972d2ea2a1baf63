/**
 * Database baseline: pgbench simple-update (-N) and the "transfer" script at several client
 * counts, on a scratch database that is created here and dropped at the end.
 *
 *   npx tsx bench/db-baseline/run.ts [--json] [--url postgres://...] [--scale 10] [--duration 15] [--clients 1,8,32]
 *                                    [--threads 2] [--rounds 1] [--warmup 5] [--keep]
 *
 * With --rounds n every (workload, clients) pair runs n times, rounds interleaved, and the
 * median TPS is reported; each sample is kept in the JSON.
 *
 * --url defaults to FENQI_BENCH_DATABASE_URL, then postgres://postgres@127.0.0.1:5432/postgres;
 * it names the maintenance connection, the scratch database is fenqi_bench_baseline beside it.
 */
import { parseArgs } from 'node:util';
import { benchDatabaseUrl, createScratchDatabase, runWorkload, warmUp, WORKLOADS, type PgbenchResult, type ScratchDatabase } from './baseline.ts';
import { formatMachine, machineInfo } from './machine.ts';

interface Options {
  json: boolean; url: string; scale: number; durationSec: number; clients: number[]; threads: number; rounds: number; warmupSec: number; keep: boolean;
}

interface Row extends PgbenchResult { samplesTps: number[] }

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      url: { type: 'string', default: benchDatabaseUrl() },
      scale: { type: 'string', default: '10' },
      duration: { type: 'string', default: '15' },
      clients: { type: 'string', default: '1,8,32' },
      threads: { type: 'string', default: '2' },
      rounds: { type: 'string', default: '1' },
      warmup: { type: 'string', default: '5' },
      keep: { type: 'boolean', default: false },
    },
  });
  return {
    json: values.json!, url: values.url!, scale: positive(values.scale!, 'scale'), durationSec: positive(values.duration!, 'duration'),
    clients: values.clients!.split(',').map((c) => positive(c, 'clients')), threads: positive(values.threads!, 'threads'),
    rounds: positive(values.rounds!, 'rounds'), warmupSec: nonNegative(values.warmup!, 'warmup'), keep: values.keep!,
  };
}

function positive(text: string, name: string): number {
  const n = nonNegative(text, name);
  if (n < 1) throw new Error(`--${name} must be a positive integer; got ${text}`);
  return n;
}

function nonNegative(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number; got ${text}`);
  return n;
}

/** Workloads alternate within each client count and rounds repeat the whole sweep, so a noisy minute lands on all. */
async function measureAll(db: ScratchDatabase, o: Options, log: (s: string) => void): Promise<Row[]> {
  const samples = new Map<string, PgbenchResult[]>();
  for (let round = 1; round <= o.rounds; round++) {
    for (const clients of o.clients) {
      for (const workload of WORKLOADS) {
        log(`  round ${round}/${o.rounds} · ${workload} · ${clients} clients · ${o.durationSec} s …`);
        const r = await runWorkload(db, workload, clients, o.durationSec, o.threads);
        samples.set(`${workload}/${clients}`, [...(samples.get(`${workload}/${clients}`) ?? []), r]);
      }
    }
  }
  return [...samples.values()].map(medianRun);
}

/** The run with the median TPS (the lower middle one for an even count) stands for its pair, so its latency belongs to the same run. */
function medianRun(runs: PgbenchResult[]): Row {
  const sorted = [...runs].sort((a, b) => a.tps - b.tps);
  return { ...sorted[(sorted.length - 1) >> 1]!, samplesTps: runs.map((r) => r.tps) };
}

const fixed = (n: number | null, digits: number): string => (n === null ? '—' : n.toFixed(digits));

function table(results: Row[]): string {
  const transfer = new Map(results.filter((r) => r.workload === 'transfer').map((r) => [r.clients, r.tps]));
  const lines = [
    '| workload | clients | threads | TPS | latency avg (ms) | latency stddev (ms) | transactions | failed | TPS ÷ transfer TPS | TPS of each round |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const r of results) {
    const base = transfer.get(r.clients);
    lines.push(`| ${r.workload} | ${r.clients} | ${r.threads} | ${fixed(r.tps, 0)} | ${fixed(r.latencyAvgMs, 2)} | ${fixed(r.latencyStddevMs, 2)} | ${r.transactions} | ${r.failed} | ${base ? (r.tps / base).toFixed(2) : '—'} | ${r.samplesTps.map((t) => t.toFixed(0)).join(', ')} |`);
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
  let results: Row[];
  try {
    log(`  warm-up · transfer · ${o.warmupSec} s (not recorded) …`);
    await warmUp(db, o.warmupSec, o.threads);
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
  console.log(`pgbench scale ${o.scale}, ${o.durationSec} s per run, ${o.rounds} round(s) (median shown), ${o.warmupSec} s warm-up, -j ${o.threads} (capped at the client count)${o.keep ? `, database ${db.name} kept` : ''}\n`);
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
