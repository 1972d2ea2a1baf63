import { sql } from 'kysely';
import type { BusinessDate } from '../../core/calendar/business-date.ts';
import type { Db } from '../../adapters/db/tx.ts';
import type { PlanKey } from './plan-day-store.ts';

/**
 * Plans in a partition that need the plan-by-plan path on `date`: something past due and
 * unpaid, something settled today after its due date (the payment day still carries that
 * day's penalty, and DPD must come back to 0), or a past-due mark from an earlier close.
 * These are the minority; everyone else is closed by the set-based income step alone. The
 * keys of one partition's overdue plans are small enough to hold; the portfolio never is.
 */
export async function overdueCandidates(db: Db, p: { date: BusinessDate; from: number; to: number; after: PlanKey | null }): Promise<PlanKey[]> {
  const after = p.after ?? { customerId: '00000000-0000-0000-0000-000000000000', planId: '00000000-0000-0000-0000-000000000000' };
  const r = await sql<{ customer_id: string; plan_id: string }>`
    select distinct customer_id, plan_id from (
      select customer_id, plan_id from installments
      where settled_on is null and (uuid_hash(customer_id) & 1023) between ${p.from}::int and ${p.to}::int and due_date < ${p.date}::date
      union all
      select customer_id, plan_id from installments
      where settled_on > due_date and settled_on >= ${p.date}::date and due_date < ${p.date}::date
        and (uuid_hash(customer_id) & 1023) between ${p.from}::int and ${p.to}::int
      union all
      select customer_id, id from plans
      where days_past_due > 0 and status = 'active' and (uuid_hash(customer_id) & 1023) between ${p.from}::int and ${p.to}::int
    ) x
    where (customer_id, plan_id) > (${after.customerId}::uuid, ${after.planId}::uuid)
    order by customer_id, plan_id`.execute(db);
  return r.rows.map((row) => ({ customerId: row.customer_id, planId: row.plan_id }));
}
