import { sql } from 'kysely';
import type { BusinessDate } from '../../core/calendar/business-date.ts';
import type { AppDeps } from '../deps.ts';
import type { CloseDateStep } from './date-steps.ts';
import { timed } from './phase-timer.ts';

export interface StepRecord { name: string; phase: 'before' | 'after'; counts: Record<string, number> }

/**
 * Runs the date's whole-date steps that have no record yet, in order, recording each when it
 * returns. A crash between a step and its record runs that step again on restart (steps are
 * idempotent per date, see date-steps.ts); a recorded step never runs again. A step that
 * throws stops the close of the date — the next date must not open on a half-done one —
 * and is retried by the next attempt.
 */
export async function runDateSteps(deps: AppDeps, date: BusinessDate, phase: StepRecord['phase'], steps: readonly CloseDateStep[]): Promise<StepRecord[]> {
  const ran: StepRecord[] = [];
  for (const step of steps) {
    const done = await sql`select 1 from close_run_steps where business_date = ${date}::date and name = ${step.name}`.execute(deps.db);
    if (done.rows.length > 0) continue;
    const counts = await timed(`step:${step.name}`, () => step.run(deps, date));
    await sql`insert into close_run_steps (business_date, name, phase, counts, finished_at)
              values (${date}::date, ${step.name}, ${phase}, ${JSON.stringify(counts)}::jsonb, ${deps.clock.now()})
              on conflict (business_date, name) do nothing`.execute(deps.db);
    ran.push({ name: step.name, phase, counts });
  }
  return ran;
}

/** The steps recorded for a date, in the order they finished. */
export async function readDateSteps(deps: Pick<AppDeps, 'db'>, date: BusinessDate): Promise<StepRecord[]> {
  const r = await sql<{ name: string; phase: 'before' | 'after'; counts: Record<string, number> }>`
    select name, phase, counts from close_run_steps where business_date = ${date}::date order by finished_at, name`.execute(deps.db);
  return r.rows;
}
