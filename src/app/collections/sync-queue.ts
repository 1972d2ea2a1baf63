import { sql } from 'kysely';
import type { BusinessDate } from '../../core/calendar/business-date.ts';
import { assignAgents, type AssignmentMode } from '../../core/collections/assignment.ts';
import type { Tx } from '../../adapters/db/tx.ts';
import type { IdGenerator } from '../ports.ts';
import { agentLoads } from './agents.ts';
import { withCollections } from './tables.ts';

const CASES_PER_INSERT = 2_000;

export interface QueueChanges { opened: number; closed: number; assigned: number }

/**
 * Brings the queue in line with the buckets the daily close just set: a plan past due gets
 * an open case (one per plan), an open case follows its plan's bucket, and a case leaves the
 * queue when its plan is cured (DPD back to 0), paid off or otherwise closed. Idempotent: a
 * second run on the same state changes nothing.
 */
export async function syncQueue(tx: Tx, ids: IdGenerator, date: BusinessDate, at: Date, mode: AssignmentMode): Promise<QueueChanges> {
  const closed = await sql`
    update collection_cases c set status = case when p.status = 'active' then 'cured' when p.status = 'paid_off' then 'paid' else 'closed' end,
      closed_on = ${date}::date, updated_at = ${at}::timestamptz
    from plans p where p.customer_id = c.customer_id and p.id = c.plan_id and c.status = 'open' and (p.status <> 'active' or p.days_past_due = 0)`.execute(tx);
  await sql`
    update collection_cases c set bucket = p.delinquency_bucket, days_past_due = p.days_past_due, updated_at = ${at}::timestamptz
    from plans p where p.customer_id = c.customer_id and p.id = c.plan_id and c.status = 'open'
      and (c.bucket <> p.delinquency_bucket or c.days_past_due <> p.days_past_due)`.execute(tx);
  const entering = await sql<{ customer_id: string; id: string; days_past_due: number; delinquency_bucket: string }>`
    select p.customer_id, p.id, p.days_past_due, p.delinquency_bucket from plans p
    where p.days_past_due > 0 and p.status = 'active'
      and not exists (select 1 from collection_cases c where c.customer_id = p.customer_id and c.plan_id = p.id and c.status = 'open')
    order by p.customer_id, p.id`.execute(tx);
  // In chunks: a bad day on a big book opens tens of thousands of cases, and one INSERT of
  // them all would pass PostgreSQL's 65,535 bind parameters (12 per row).
  for (let i = 0; i < entering.rows.length; i += CASES_PER_INSERT) {
    await withCollections(tx).insertInto('collection_cases').values(entering.rows.slice(i, i + CASES_PER_INSERT).map((p) => ({
      customer_id: p.customer_id, id: ids.next(), plan_id: p.id, status: 'open' as const, bucket: p.delinquency_bucket, days_past_due: p.days_past_due,
      agent_id: null, assigned_at: null, opened_on: date, closed_on: null, created_at: at, updated_at: at,
    }))).execute();
  }
  const assigned = await assignUnassigned(tx, at, mode);
  return { opened: entering.rows.length, closed: Number(closed.numAffectedRows ?? 0), assigned };
}

/** Gives every open case without an agent to one, the most overdue first; no agents, no change. */
export async function assignUnassigned(tx: Tx, at: Date, mode: AssignmentMode): Promise<number> {
  const db = withCollections(tx);
  const cases = await db.selectFrom('collection_cases').select(['customer_id', 'id']).where('status', '=', 'open').where('agent_id', 'is', null)
    .orderBy('days_past_due', 'desc').orderBy('opened_on').orderBy('id').execute();
  const agents = await agentLoads(tx);
  if (cases.length === 0 || agents.length === 0) return 0;
  const cursor = await db.selectFrom('collection_assignment_cursor').select('last_agent_id').where('key', '=', 'round_robin').executeTakeFirst();
  const chosen = assignAgents(mode, agents, cursor?.last_agent_id ?? null, cases.length);
  const rows = JSON.stringify(cases.map((c, k) => [c.customer_id, c.id, chosen[k]]));
  await sql`
    update collection_cases c set agent_id = (r->>2)::uuid, assigned_at = ${at}::timestamptz, updated_at = ${at}::timestamptz
    from jsonb_array_elements(${rows}::jsonb) as r where c.customer_id = (r->>0)::uuid and c.id = (r->>1)::uuid`.execute(tx);
  await db.insertInto('collection_assignment_cursor').values({ key: 'round_robin', last_agent_id: chosen[chosen.length - 1]! })
    .onConflict((oc) => oc.column('key').doUpdateSet({ last_agent_id: chosen[chosen.length - 1]! })).execute();
  return cases.length;
}
