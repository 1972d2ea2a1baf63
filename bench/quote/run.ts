/**
 * Schedules per second: Fenqi's exact engine against loanjs (floating point), same process,
 * same loans, interleaved rounds. Figures are quoted as ratios within a round because this
 * machine is shared and noisy; absolute ops/s are printed for context only.
 *
 *   npx tsx bench/quote/run.ts [--json] [--rounds 9] [--batch-ms 200] [--cases 256] [--terms 12,36]
 *   npx tsx bench/quote/run.ts --methods equal-principal   # one method pair per process (see below)
 *   npx tsx bench/quote/run.ts --clock wall                # wall time instead of process CPU time
 *   npx tsx bench/quote/run.ts --only fenqi-quote     # one implementation, for --cpu-prof
 *   npx tsx bench/quote/run.ts --first-due-days 1000 --cases 1000   # every loan its own first due date
 *
 * By default all loans share one first due date (quotes priced on one day do), so Fenqi's
 * due-date memo hits; with more distinct first-due dates than the memo holds it always misses.
 *
 * Two things about the machine and the JIT that move the ratio, and what the options do about them:
 * - The machine is shared, so wall time counts other processes' slices. The default clock is
 *   this process's CPU time (process.cpuUsage: user + system, GC threads included), which
 *   moved ±10% per round under a load average of 10 where wall time moved 2×.
 * - loanjs picks its per-row function from the loan type; a process that prices both types
 *   makes that call polymorphic and loanjs's diminishing schedule ~3× slower. The default run
 *   prices both (as an application offering both would); `--methods equal-principal` alone
 *   measures loanjs's diminishing at its best.
 */
import { parseArgs } from 'node:util';
import { formatMachine, machineInfo } from '../db-baseline/machine.ts';
import { compareWithLoanjs, type AccuracyReport } from './accuracy.ts';
import { IMPL_NAMES, IMPLS, makeCases, METHOD_PAIRS, type ImplName, type LoanCase, type MethodPair } from './inputs.ts';

interface Options {
  json: boolean;
  rounds: number;
  batchMs: number;
  cases: number;
  terms: number[];
  firstDueDays: number;
  pairs: MethodPair[];
  clock: 'cpu' | 'wall';
  only?: ImplName;
}

interface Job { terms: number; pair: MethodPair; impl: ImplName; cases: LoanCase[] }

export interface SpeedRow {
  terms: number;
  method: string;
  loanType: string;
  /** Median ops/s over the rounds, per implementation. */
  opsPerSec: Partial<Record<ImplName, number>>;
  /** Median over rounds of (Fenqi variant ops/s ÷ loanjs ops/s) measured in the same round, with min and max. */
  ratioToLoanjs: Partial<Record<Exclude<ImplName, 'loanjs'>, { median: number; min: number; max: number }>>;
}

export interface AccuracyRow extends AccuracyReport { terms: number; method: string; loanType: string }

let sink = 0;

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      rounds: { type: 'string', default: '9' },
      'batch-ms': { type: 'string', default: '200' },
      cases: { type: 'string', default: '256' },
      terms: { type: 'string', default: '12,36' },
      'first-due-days': { type: 'string', default: '1' },
      methods: { type: 'string', default: METHOD_PAIRS.map((p) => p.method).join(',') },
      clock: { type: 'string', default: 'cpu' },
      only: { type: 'string' },
    },
  });
  const pairs = values.methods!.split(',').map((m) => {
    const pair = METHOD_PAIRS.find((p) => p.method === m);
    if (!pair) throw new Error(`--methods takes ${METHOD_PAIRS.map((p) => p.method).join(', ')}; got ${m}`);
    return pair;
  });
  if (values.clock !== 'cpu' && values.clock !== 'wall') throw new Error(`--clock must be cpu or wall; got ${values.clock}`);
  if (values.only !== undefined && !IMPL_NAMES.includes(values.only as ImplName)) {
    throw new Error(`--only must be one of ${IMPL_NAMES.join(', ')}`);
  }
  return {
    json: values.json!, rounds: positive(values.rounds!, 'rounds'), batchMs: positive(values['batch-ms']!, 'batch-ms'),
    cases: positive(values.cases!, 'cases'), terms: values.terms!.split(',').map((t) => positive(t, 'terms')),
    firstDueDays: positive(values['first-due-days']!, 'first-due-days'), pairs, clock: values.clock,
    ...(values.only ? { only: values.only as ImplName } : {}),
  };
}

function positive(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer; got ${text}`);
  return n;
}

/**
 * Runs whole passes over the cases until batchMs of wall time has elapsed; returns operations
 * per second of the chosen clock (process CPU time or wall time).
 */
function timeBatch(fn: (c: LoanCase) => number, cases: readonly LoanCase[], batchMs: number, clock: Options['clock']): number {
  let local = 0;
  let ops = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let now = start;
  do {
    for (const c of cases) local += fn(c);
    ops += cases.length;
    now = performance.now();
  } while (now - start < batchMs);
  const cpu = process.cpuUsage(cpuStart);
  sink += local;
  const seconds = clock === 'cpu' ? (cpu.user + cpu.system) / 1e6 : (now - start) / 1000;
  return ops / seconds;
}

function makeJobs(o: Options): Job[] {
  const impls = o.only ? [o.only] : IMPL_NAMES;
  return o.terms.flatMap((terms) => o.pairs.flatMap((pair) => {
    const cases = makeCases(o.cases, terms, pair, undefined, o.firstDueDays);
    return impls.map((impl) => ({ terms, pair, impl, cases }));
  }));
}

/**
 * One warm-up round (discarded) then `rounds` rounds. Each round visits every job once, in an
 * order rotated by the round number and reversed on odd rounds, so a slow spell on the
 * machine lands on different implementations in different rounds.
 */
function measure(jobs: Job[], o: Options): number[][] {
  const samples = jobs.map(() => [] as number[]);
  for (let round = -1; round < o.rounds; round++) {
    const shift = Math.max(round, 0) % jobs.length;
    let order = jobs.map((_, k) => (k + shift) % jobs.length);
    if (round % 2 === 1) order = order.reverse();
    for (const k of order) {
      const ops = timeBatch(IMPLS[jobs[k]!.impl], jobs[k]!.cases, o.batchMs, o.clock);
      if (round >= 0) samples[k]!.push(ops);
    }
  }
  return samples;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

function summarise(jobs: Job[], samples: number[][], o: Options): SpeedRow[] {
  return o.terms.flatMap((terms) => o.pairs.map((pair) => {
    const of = (impl: ImplName) => samples[jobs.findIndex((j) => j.terms === terms && j.pair === pair && j.impl === impl)];
    const row: SpeedRow = { terms, method: pair.method, loanType: pair.loanType, opsPerSec: {}, ratioToLoanjs: {} };
    const base = of('loanjs');
    for (const impl of IMPL_NAMES) {
      const s = of(impl);
      if (!s) continue;
      row.opsPerSec[impl] = median(s);
      if (impl !== 'loanjs' && base) {
        const ratios = s.map((ops, round) => ops / base[round]!);
        row.ratioToLoanjs[impl] = { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
      }
    }
    return row;
  }));
}

function accuracy(o: Options): AccuracyRow[] {
  return o.terms.flatMap((terms) => o.pairs.map((pair) => ({
    terms, method: pair.method, loanType: pair.loanType, ...compareWithLoanjs(makeCases(o.cases, terms, pair, undefined, o.firstDueDays)),
  })));
}

const ops = (n: number | undefined): string => (n === undefined ? '—' : Math.round(n).toLocaleString('en-US'));
const ratio = (r: { median: number; min: number; max: number } | undefined): string =>
  r ? `**${r.median.toFixed(2)}** (${r.min.toFixed(2)}–${r.max.toFixed(2)})` : '—';

function speedTable(rows: SpeedRow[]): string {
  const head = [
    '| terms | Fenqi method ≈ loanjs type | Fenqi quote ops/s | Fenqi buildQuote ops/s | Fenqi schedule ops/s | loanjs ops/s | schedule ÷ loanjs | quote ÷ loanjs |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  return [...head, ...rows.map((r) => `| ${r.terms} | ${r.method} ≈ ${r.loanType} | ${ops(r.opsPerSec['fenqi-quote'])} | ${ops(r.opsPerSec['fenqi-build'])} | ${ops(r.opsPerSec['fenqi-schedule'])} | ${ops(r.opsPerSec.loanjs)} | ${ratio(r.ratioToLoanjs['fenqi-schedule'])} | ${ratio(r.ratioToLoanjs['fenqi-quote'])} |`)].join('\n');
}

function accuracyTable(rows: AccuracyRow[]): string {
  const head = [
    '| terms | method ≈ type | loans | loanjs Σ capital ≠ amount | max off (fen) | loanjs total ≠ Fenqi | max off (fen) | total interest ≠ Fenqi | rows: principal ≠ Fenqi | rows: interest ≠ Fenqi | row figures with float noise |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  return [...head, ...rows.map((r) => `| ${r.terms} | ${r.method} ≈ ${r.loanType} | ${r.cases} | ${r.principalRowsNotAmount} | ${r.principalRowsMaxDiffFen} | ${r.totalNotFenqi} | ${r.totalMaxDiffFen} | ${r.interestNotFenqi} | ${r.rowPrincipalNotFenqi} of ${r.rows} | ${r.rowInterestNotFenqi} of ${r.rows} | ${r.rowFiguresWithFloatNoise} of ${r.rowFigures} |`)].join('\n');
}

function main(): void {
  const o = parseOptions();
  const jobs = makeJobs(o);
  const machine = machineInfo();
  if (!o.json) console.error(`quote bench: ${jobs.length} jobs × ${o.rounds} rounds × ${o.batchMs} ms (+1 warm-up round) ≈ ${Math.round((jobs.length * (o.rounds + 1) * o.batchMs) / 1000)} s`);
  const speed = summarise(jobs, measure(jobs, o), o);
  const acc = o.only ? [] : accuracy(o);
  if (o.json) {
    console.log(JSON.stringify({ benchmark: 'quote', machine, options: o, speed, accuracy: acc, sink }, null, 2));
    return;
  }
  console.log(`Machine: ${formatMachine(machine)}`);
  const firstDue = o.firstDueDays === 1 ? 'one first due date' : `first due dates over ${o.firstDueDays} days`;
  console.log(`Options: ${o.cases} loans per row (¥100–¥100,000, 3.00%–23.99%, ${firstDue}), methods ${o.pairs.map((p) => p.method).join(' + ')} in this process, ${o.rounds} rounds × ${o.batchMs} ms per job, interleaved; ops/s of ${o.clock === 'cpu' ? 'process CPU time' : 'wall time'}; ratios are per-round medians (min–max).\n`);
  console.log(speedTable(speed));
  if (acc.length) console.log(`\n${accuracyTable(acc)}`);
  if (sink === 0) console.log('\n(sink 0)');
}

main();
