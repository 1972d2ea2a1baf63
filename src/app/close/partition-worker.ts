import { sql } from 'kysely';
import type { BusinessDate } from '../../core/calendar/business-date.ts';
import { outboxOffsets } from '../../core/close/outbox-rules.ts';
import type { CloseSettings } from '../../core/close/close-settings.ts';
import { runTx, type Tx } from '../../adapters/db/tx.ts';
import type { AppDeps } from '../deps.ts';
import { closePlans } from './close-plans.ts';
import { addCounts, type CloseCounts } from './counts.ts';
import { earnIncomePage, incomeCursor, queueUpcoming } from './earn-income-step.ts';
import { overdueCandidates } from './overdue-candidates.ts';
import { timed } from './phase-timer.ts';
import type { PlanKey } from './plan-day-store.ts';

export interface WorkerOptions { pageSize: number; chargePageSize: number; leaseSeconds: number; settings: CloseSettings }

interface Claimed {
  business_date: string; partition: number; bucket_from: number; bucket_to: number; step: string; cursor: unknown;
  counts: CloseCounts; plans_total: number;
}

/** The steps in order; a partition's row says which one it is in and where, so a restart resumes there. */
type Step = 'income' | 'charges' | 'upcoming' | 'done';

/**
 * Claims one partition: a pending one, or one whose worker stopped renewing its lease (a
 * killed process). SKIP LOCKED lets any number of workers, in this process or others, claim
 * at once without waiting on each other or taking the same partition twice.
 */
export async function claimPartition(deps: AppDeps, date: BusinessDate, workerId: string, leaseSeconds: number): Promise<Claimed | undefined> {
  const r = await sql<Claimed>`
    update close_partitions set status = 'running', claimed_by = ${workerId}, lease_until = now() + make_interval(secs => ${leaseSeconds}::int),
      attempts = attempts + 1, started_at = coalesce(started_at, ${deps.clock.now()})
    where (business_date, partition) = (
      select business_date, partition from close_partitions
      where business_date = ${date}::date and (status = 'pending' or (status = 'running' and lease_until < now()))
      order by partition limit 1 for update skip locked)
    returning business_date, partition, bucket_from, bucket_to, step, cursor, counts, plans_total`.execute(deps.db);
  return r.rows[0];
}

/** Runs a claimed partition to the end; returns false if another worker took it over (our lease ran out). */
export async function runPartition(deps: AppDeps, part: Claimed, workerId: string, o: WorkerOptions): Promise<boolean> {
  const date = part.business_date;
  const counts: CloseCounts = { ...part.counts };
  let step = part.step as Step;
  let cursor = part.cursor;
  let held = true;
  const save = async (tx: Tx, more: CloseCounts, next: { step: Step; cursor: unknown }, fraction: number) => {
    addCounts(counts, more);
    const r = await sql`
      update close_partitions set step = ${next.step}, cursor = ${JSON.stringify(next.cursor ?? null)}::jsonb, counts = ${JSON.stringify(counts)}::jsonb,
        plans_done = greatest(plans_done, ${Math.floor(part.plans_total * fraction)}::bigint),
        lease_until = now() + make_interval(secs => ${o.leaseSeconds}::int),
        status = ${next.step === 'done' ? 'done' : 'running'}, finished_at = ${next.step === 'done' ? deps.clock.now() : null}
      where business_date = ${date}::date and partition = ${part.partition}::int and claimed_by = ${workerId} and status = 'running'`.execute(tx);
    held = Number(r.numAffectedRows ?? 0) === 1;
    step = next.step;
    cursor = next.cursor;
  };
  const span = part.bucket_to - part.bucket_from + 1;
  while (held && step === 'income') {
    await timed('income', () => runTx(deps.db, async (tx) => {
      const page = await earnIncomePage(tx, { date, from: part.bucket_from, to: part.bucket_to, after: incomeCursor(cursor), limit: o.pageSize, at: deps.clock.now() });
      const fraction = page.next !== null ? 0.8 * ((page.next - part.bucket_from) / span) : 0.8;
      await save(tx, page.counts, page.next !== null ? { step: 'income', cursor: page.next } : { step: 'charges', cursor: null }, fraction);
    }));
  }
  if (held && step === 'charges') {
    const keys = await timed('charges.candidates', () => overdueCandidates(deps.db, { date, from: part.bucket_from, to: part.bucket_to, after: cursor as PlanKey | null }));
    for (let k = 0; held && k < keys.length; k += o.chargePageSize) {
      const chunk = keys.slice(k, k + o.chargePageSize);
      const last = k + o.chargePageSize >= keys.length;
      await timed('charges.pages', () => closePlans(deps, chunk, date, {
        settings: o.settings, mayWriteOff: true, step: 'charges',
        onPage: (tx, more) => save(tx, more, last ? { step: 'upcoming', cursor: null } : { step: 'charges', cursor: chunk.at(-1) }, 0.8 + 0.15 * ((k + chunk.length) / keys.length)),
      }));
    }
    if (held && keys.length === 0) await runTx(deps.db, (tx) => save(tx, {}, { step: 'upcoming', cursor: null }, 0.95));
  }
  if (held && step === 'upcoming') {
    await timed('upcoming', () => runTx(deps.db, async (tx) => {
      const daysAfterDue = outboxOffsets().filter((d) => d !== 1); // day 1 is queued by the income step
      const queued = await queueUpcoming(tx, { date, from: part.bucket_from, to: part.bucket_to, daysAfterDue, at: deps.clock.now() });
      await save(tx, queued ? { queued } : {}, { step: 'done', cursor: null }, 1);
    }));
  }
  return held;
}
