import { sql } from 'kysely';
import type { BusinessDate } from '../../core/calendar/business-date.ts';
import type { Db } from '../../adapters/db/tx.ts';
import type { CloseCounts } from './counts.ts';
import { readDateSteps, type StepRecord } from './run-date-steps.ts';

export interface CloseRunRecord {
  businessDate: BusinessDate;
  status: 'running' | 'done';
  partitions: number;
  plansTotal: number;
  startedAt: string;
  finishedAt: string | null;
  counts: CloseCounts;
  errors: number;
  /** Plans that failed and were left for a later run or an inline catch-up, newest first (at most 20). */
  errorSamples: { planId: string; step: string; message: string }[];
  /** Whole-date steps (date-steps.ts) recorded so far, with their counts. */
  steps: StepRecord[];
}

export interface CloseProgress { businessDate: BusinessDate; plansDone: number; plansTotal: number; partitionsDone: number; partitions: number }

export async function readRun(db: Db, date: BusinessDate): Promise<CloseRunRecord | undefined> {
  const run = await db.selectFrom('close_runs').selectAll().where('business_date', '=', date).executeTakeFirst();
  if (!run) return undefined;
  const errors = await db.selectFrom('close_errors').select(['plan_id', 'step', 'message']).where('business_date', '=', date)
    .where('resolved_at', 'is', null).orderBy('at', 'desc').limit(20).execute();
  return {
    businessDate: run.business_date, status: run.status, partitions: run.partitions, plansTotal: run.plans_total,
    startedAt: new Date(run.started_at).toISOString(), finishedAt: run.finished_at ? new Date(run.finished_at).toISOString() : null,
    counts: run.counts as CloseCounts, errors: run.errors, errorSamples: errors.map((e) => ({ planId: e.plan_id, step: e.step, message: e.message })),
    steps: await readDateSteps({ db }, date),
  };
}

/** Progress from the partition rows, so it counts every worker's work, in this process or another. */
export async function readProgress(db: Db, date: BusinessDate): Promise<CloseProgress> {
  const r = await sql<{ done: number; total: number; parts_done: number; parts: number }>`
    select coalesce(sum(plans_done), 0)::bigint as done, coalesce(sum(plans_total), 0)::bigint as total,
           (count(*) filter (where status = 'done'))::int as parts_done, count(*)::int as parts
    from close_partitions where business_date = ${date}::date`.execute(db);
  const row = r.rows[0]!;
  return { businessDate: date, plansDone: row.done, plansTotal: row.total, partitionsDone: row.parts_done, partitions: row.parts };
}

/** The last date whose close finished: every plan is closed through it, except those in close_errors. */
export async function lastClosedDate(db: Db): Promise<BusinessDate | null> {
  const r = await sql<{ d: string | null }>`select max(business_date) as d from close_runs where status = 'done'`.execute(db);
  return r.rows[0]?.d ?? null;
}
