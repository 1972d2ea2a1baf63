import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config.ts';
import { wireWith } from '../../wiring.ts';
import { parseBusinessDate } from '../../core/calendar/business-date.ts';
import { delinquencyChartSvg } from '../../core/simulate/chart.ts';
import { isSeed } from '../../core/simulate/prng.ts';
import { summaryText } from '../../core/simulate/report.ts';
import { ManualClock } from '../../app/ports.ts';
import { NoticeCapture } from '../../app/simulate/capture-notices.ts';
import { lastDateOf, runSimulation } from '../../app/simulate/run-simulation.ts';
import { openDatabase } from '../db/connect.ts';
import { UsageError } from './usage-error.ts';

export const SIMULATE_USAGE = 'fenqi simulate --customers N --months M [--seed S] [--json] [--migrate-partners-at YYYY-MM-DD] [--db-url URL] [--out DIR] [--concurrency N]';

/** The simulated year starts here, so a seed means the same calendar (month ends, a leap day in 2028) on any machine and any day. */
export const SIMULATION_START = '2026-01-01';

export interface SimulateArgs {
  customers: number; months: number; seed: number; json: boolean; migratePartnersAt: string | null;
  dbUrl: string | null; out: string | null; concurrency: number;
}

const whole = (value: string | undefined, name: string, min: number, max: number, fallback?: number): number => {
  if (value === undefined) {
    if (fallback === undefined) throw new UsageError(`--${name} is required; usage: ${SIMULATE_USAGE}`);
    return fallback;
  }
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}; got "${value}"`);
  return Number(value);
};

/** Flags → arguments, or a UsageError naming the first bad one. */
export function parseSimulateArgs(argv: string[]): SimulateArgs {
  const { values, positionals } = parseArgs({
    args: argv, strict: true, allowPositionals: true, options: {
      customers: { type: 'string' }, months: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' },
      'migrate-partners-at': { type: 'string' }, 'db-url': { type: 'string' }, out: { type: 'string' }, concurrency: { type: 'string' },
    },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"; usage: ${SIMULATE_USAGE}`);
  const customers = whole(values.customers, 'customers', 1, 1_000_000);
  const months = whole(values.months, 'months', 1, 60);
  const seed = whole(values.seed, 'seed', 0, 0xffffffff, 1);
  if (!isSeed(seed)) throw new UsageError(`--seed must be from 0 to ${0xffffffff}`);
  const migrate = values['migrate-partners-at'] ?? null;
  if (migrate !== null) {
    const last = lastDateOf(SIMULATION_START, months);
    if (!parseBusinessDate(migrate).ok || migrate <= SIMULATION_START || migrate > last) {
      throw new UsageError(`--migrate-partners-at must be a date after ${SIMULATION_START} and no later than ${last}; got "${migrate}"`);
    }
  }
  const dbUrl = values['db-url'] ?? null;
  if (dbUrl !== null && !/^postgres(ql)?:\/\/\S+$/.test(dbUrl)) throw new UsageError('--db-url must be a postgres:// URL');
  return {
    customers, months, seed, json: values.json ?? false, migratePartnersAt: migrate, dbUrl, out: values.out ?? null,
    concurrency: whole(values.concurrency, 'concurrency', 1, 256, 8),
  };
}

/**
 * `fenqi simulate`: a fresh store (in-memory PGlite, PGlite in --out/pgdata, or the empty
 * PostgreSQL database at --db-url), N synthetic customers, M months of business days through
 * the real use cases. --json prints the report as one JSON object; otherwise a summary and a
 * delinquency chart (SVG) in --out (default: the current folder). Exit 1 if an invariant failed.
 */
export async function runSimulate(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const args = parseSimulateArgs(argv);
  const outDir = args.out ? resolve(args.out) : null;
  if (outDir) mkdirSync(outDir, { recursive: true });
  const dataDir = outDir ? join(outDir, 'pgdata') : 'memory://';
  if (!args.dbUrl && outDir && existsSync(dataDir) && readdirSync(dataDir).length > 0) throw new UsageError(`${dataDir} already holds a database; simulate needs a fresh store (choose another --out)`);
  const handle = await openDatabase(args.dbUrl ? { url: args.dbUrl, poolSize: Math.min(20, args.concurrency + 2) } : { dataDir });
  try {
    if (await handle.db.selectFrom('merchants').select('id').limit(1).executeTakeFirst()) throw new UsageError('--db-url must name an empty database: simulate needs a fresh store');
    const clock = new ManualClock(new Date(`${SIMULATION_START}T09:00:00+08:00`));
    const capture = new NoticeCapture();
    const config = { ...loadConfig({}, { seedDemo: false }), signingSecret: 'fenqi-simulate', ...(args.dbUrl ? { databaseUrl: args.dbUrl } : { dataDir }) };
    const { deps } = await wireWith(handle, config, {
      clock, notifier: capture.notifier(), log: process.env.FENQI_SIMULATE_LOG ? (m) => err.write(`${m}\n`) : () => {},
    });
    const started = Date.now();
    const progress = (err as NodeJS.WriteStream).isTTY ? (date: string, done: number, total: number) => err.write(`\r${date} ${done}/${total} days, ${((Date.now() - started) / 1000).toFixed(0)} s   `) : undefined;
    const stepMs: Record<string, number> = {};
    const report = await runSimulation(deps, clock, capture, {
      stepMs,
      customers: args.customers, months: args.months, seed: args.seed, from: SIMULATION_START, migratePartnersAt: args.migratePartnersAt,
      concurrency: args.concurrency, database: handle.kind, ...(progress ? { onDay: progress } : {}),
    });
    if (progress) err.write('\n');
    const json = `${JSON.stringify(report)}\n`;
    if (outDir) writeFileSync(join(outDir, 'report.json'), json);
    if (args.json) {
      out.write(json);
    } else {
      const chartPath = join(outDir ?? process.cwd(), 'delinquency.svg');
      writeFileSync(chartPath, delinquencyChartSvg(report.delinquency, `Delinquency by month — ${args.customers} customers, seed ${args.seed}`));
      out.write(`${summaryText(report, chartPath)}\n`);
    }
    err.write(`simulated ${args.customers} customers × ${args.months} months in ${((Date.now() - started) / 1000).toFixed(1)} s, peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB; `
      + `seconds by step: ${Object.entries(stepMs).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)}`).join(', ')}\n`);
    return report.ok ? 0 : 1;
  } finally {
    await handle.close();
  }
}
