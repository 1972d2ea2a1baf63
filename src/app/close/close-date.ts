import { hostname } from 'node:os';
import { sql } from 'kysely';
import { addDays, type BusinessDate } from '../../core/calendar/business-date.ts';
import { partitionBuckets } from '../../core/close/close-settings.ts';
import { setBusinessDate } from '../../adapters/db/business-calendar.ts';
import { runTx } from '../../adapters/db/tx.ts';
import type { AppDeps } from '../deps.ts';
import { closePlans } from './close-plans.ts';
import { afterPlanSteps, beforePlanSteps } from './date-steps.ts';
import { runDateSteps } from './run-date-steps.ts';
import { sumCounts, type CloseCounts } from './counts.ts';
import { claimPartition, runPartition, type WorkerOptions } from './partition-worker.ts';
import { readRun, type CloseRunRecord } from './run-record.ts';
import { phaseReport, timed } from './phase-timer.ts';

export interface CloseDateOptions extends WorkerOptions {
  /** Concurrent claimers in this process; other processes may claim from the same run. */
  workers: number;
  /** Used only when the run is created; a run keeps its partition count. */
  partitions: number;
  workerId?: string;
}

/** Wakes this process's idle workers when one of them finishes a partition, instead of letting them sleep out a poll. */
class Wakeup {
  private waiters: (() => void)[] = [];
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.waiters = this.waiters.filter((w) => w !== done); resolve(); }, ms);
      const done = () => { clearTimeout(timer); resolve(); };
      this.waiters.push(done);
    });
  }
  notify(): void { const w = this.waiters; this.waiters = []; for (const f of w) f(); }
}

/**
 * Closes one business date: creates the run and its partitions (or joins an existing run),
 * lets `workers` claimers work through the partitions, and when none is left finishes the
 * run and opens the next business date, in one transaction. Safe to call from several
 * processes at once and again after a crash.
 */
export async function closeDate(deps: AppDeps, date: BusinessDate, o: CloseDateOptions): Promise<CloseRunRecord> {
  await timed('create-run', () => createRun(deps, date, o.partitions));
  const existing = await readRun(deps.db, date);
  if (existing?.status === 'done') return existing;
  // Before any partition is claimed, in every process that joins: a step another process is
  // still running is run here too, which its idempotence allows.
  await timed('steps.before', () => runDateSteps(deps, date, 'before', beforePlanSteps));
  // PGlite belongs to one process: a partition marked running is left from a killed one.
  if (deps.dbKind === 'pglite') await sql`update close_partitions set lease_until = now() - interval '1 second' where business_date = ${date}::date and status = 'running'`.execute(deps.db);
  await timed('retry-errors', () => retryOpenErrors(deps, date, o));
  const base = o.workerId ?? `${hostname()}:${process.pid}`;
  const wake = new Wakeup();
  // The after-steps and the finish run once per process however many of its workers see the last partition done.
  let finishing: Promise<void> | undefined;
  const finish = () => (finishing ??= timed('steps.after', () => runDateSteps(deps, date, 'after', afterPlanSteps)).then(() => timed('finish', () => finishRun(deps, date))));
  await timed('partitions', () => Promise.all(Array.from({ length: Math.max(1, o.workers) }, (_, k) => workerLoop(deps, date, `${base}:${k}`, o, wake, finish))));
  const report = phaseReport();
  if (report) deps.log(`eod ${date}: ${report}`);
  return (await readRun(deps.db, date))!;
}

async function createRun(deps: AppDeps, date: BusinessDate, partitions: number): Promise<void> {
  const known = await deps.db.selectFrom('close_runs').select('partitions').where('business_date', '=', date).executeTakeFirst();
  if (known) return;
  // Active plans per partition, for the progress bar; one pass over plans, once per run.
  const totals = await sql<{ p: number; n: number }>`
    select ((uuid_hash(customer_id) & 1023) * ${partitions}::int / 1024)::int as p, count(*)::bigint as n
    from plans where status = 'active' group by 1`.execute(deps.db);
  const at = deps.clock.now();
  await runTx(deps.db, async (tx) => {
    await tx.insertInto('close_runs').values({
      business_date: date, status: 'running', partitions, plans_total: totals.rows.reduce((s, r) => s + r.n, 0), started_at: at,
      finished_at: null, counts: '{}',
    }).onConflict((oc) => oc.column('business_date').doNothing()).execute();
    const run = await tx.selectFrom('close_runs').select('partitions').where('business_date', '=', date).executeTakeFirstOrThrow();
    await tx.insertInto('close_partitions').values(Array.from({ length: run.partitions }, (_, p) => {
      const b = partitionBuckets(p, run.partitions);
      return {
        business_date: date, partition: p, bucket_from: b.from, bucket_to: b.to, status: 'pending' as const, cursor: null, claimed_by: null,
        lease_until: null, plans_total: totals.rows.find((r) => r.p === p)?.n ?? 0, counts: '{}', started_at: null, finished_at: null,
      };
    })).onConflict((oc) => oc.columns(['business_date', 'partition']).doNothing()).execute();
  });
}

async function workerLoop(deps: AppDeps, date: BusinessDate, workerId: string, o: CloseDateOptions, wake: Wakeup, finish: () => Promise<void>): Promise<void> {
  for (;;) {
    const part = await claimPartition(deps, date, workerId, o.leaseSeconds);
    if (part) {
      try { await runPartition(deps, part, workerId, o); } finally { wake.notify(); }
      continue;
    }
    const left = await deps.db.selectFrom('close_partitions').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('business_date', '=', date).where('status', '<>', 'done').executeTakeFirstOrThrow();
    if (Number(left.n) === 0) { await finish(); return; }
    // Another worker holds a partition: wait for it to finish (here or, polling, elsewhere) or for its lease to run out.
    await wake.wait(500);
  }
}

/**
 * The run is done when every partition is and the after-steps have run; finishing it and
 * opening the next date commit together.
 */
async function finishRun(deps: AppDeps, date: BusinessDate): Promise<void> {
  await runTx(deps.db, async (tx) => {
    const parts = await tx.selectFrom('close_partitions').select(['counts', 'status']).where('business_date', '=', date).execute();
    if (parts.some((p) => p.status !== 'done')) return;
    const errors = await tx.selectFrom('close_errors').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('business_date', '=', date).where('resolved_at', 'is', null).executeTakeFirstOrThrow();
    const steps = await sql<{ counts: CloseCounts }>`select counts from close_run_steps where business_date = ${date}::date`.execute(tx);
    const at = deps.clock.now();
    const done = await tx.updateTable('close_runs').set({
      status: 'done', finished_at: at, counts: JSON.stringify(sumCounts([...parts.map((p) => p.counts as CloseCounts), ...steps.rows.map((r) => r.counts)])), errors: Number(errors.n),
    }).where('business_date', '=', date).where('status', '=', 'running').executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) return; // another worker finished it
    const open = await tx.selectFrom('system_state').select('value').where('key', '=', 'business_date').executeTakeFirst();
    if (typeof open?.value !== 'string' || open.value <= date) await setBusinessDate(tx, addDays(date, 1), at);
  });
}

/** Plans that failed on an earlier date are tried again first, so an error is a delay, not a lost day. */
async function retryOpenErrors(deps: AppDeps, date: BusinessDate, o: CloseDateOptions): Promise<void> {
  const open = await deps.db.selectFrom('close_errors').select(['customer_id', 'plan_id', 'business_date'])
    .where('resolved_at', 'is', null).where('business_date', '<', date).orderBy('business_date').limit(1000).execute();
  for (const e of open) {
    await closePlans(deps, [{ customerId: e.customer_id, planId: e.plan_id }], e.business_date, { settings: o.settings, mayWriteOff: false, step: 'retry' });
  }
}
