import { sql } from 'kysely';
import type { Db } from '../../adapters/db/tx.ts';
import { monthEnds, monthStart, monthEndOrToday, type DashboardWindow } from './window.ts';

/** Days-past-due buckets (the oldest unpaid installment decides): the usual M1–M3+ ladder. */
export const BUCKETS = ['1-30', '31-60', '61-90', '90+'] as const;
export type Bucket = (typeof BUCKETS)[number];

export interface DelinquencyMonth { month: string; at: string; plans: number; late: Record<Bucket, number> }
export interface VintagePoint { mob: number; plans: number; overdue: number }
export interface Vintage { cohort: string; plans: number; points: VintagePoint[] }

/** A plan counts from its start until it closes; pending and cancelled plans never carried risk. */
const ON_BOOK = sql`p.status not in ('pending', 'cancelled') and p.start_date <= o.at and (p.closed_on is null or p.closed_on > o.at)`;
/** An installment is late at `o.at` when it fell due before then and was not settled by then. */
const LATE_AT = sql`i.due_date < o.at and (i.settled_on is null or i.settled_on > o.at)`;

const observations = (points: { key: string; at: string }[]) =>
  sql`(values ${sql.join(points.map((p) => sql`(${p.key}, ${p.at}::date)`))}) as o(key, at)`;

/**
 * 逾期率 by bucket at each month's end: plans on book that day, and how many of them were
 * how late. Rebuilt from installments' due and settlement dates, so a past month shows what
 * was true then (plans.delinquency_bucket only knows today). Two grouped queries for all months.
 */
export async function delinquencyByMonth(db: Db, w: DashboardWindow): Promise<DelinquencyMonth[]> {
  const months = monthEnds(w);
  const obs = observations(months.map((m) => ({ key: m.month, at: m.at })));
  const [onBook, late] = await Promise.all([
    sql<{ key: string; n: number }>`select o.key, count(*)::bigint as n from ${obs} join plans p on ${ON_BOOK} group by o.key`.execute(db),
    sql<{ key: string; bucket: Bucket; n: number }>`
      select key, case when dpd <= 30 then '1-30' when dpd <= 60 then '31-60' when dpd <= 90 then '61-90' else '90+' end as bucket, count(*)::bigint as n
      from (select o.key, (o.at - min(i.due_date)) as dpd
        from ${obs} join plans p on ${ON_BOOK} join installments i on i.customer_id = p.customer_id and i.plan_id = p.id and ${LATE_AT}
        group by o.key, o.at, p.customer_id, p.id) l
      group by 1, 2`.execute(db),
  ]);
  const plans = new Map(onBook.rows.map((r) => [r.key, r.n]));
  return months.map((m) => {
    const counts = Object.fromEntries(BUCKETS.map((b) => [b, 0])) as Record<Bucket, number>;
    for (const r of late.rows) if (r.key === m.month) counts[r.bucket] = r.n;
    return { month: m.month, at: m.at, plans: plans.get(m.month) ?? 0, late: counts };
  });
}

/**
 * Vintage curves: for plans started in each month (the cohort), the share overdue at the end
 * of each month on book (MOB 1, 2, …) — whether newer cohorts go bad faster than older ones.
 * Only months already observed are returned; one grouped query for all cohorts.
 */
export async function vintageCurves(db: Db, w: DashboardWindow): Promise<Vintage[]> {
  const points: { key: string; at: string }[] = [];
  for (let c = w.months - 1; c >= 0; c -= 1) {
    const cohort = monthStart(w.today, c);
    for (let mob = 1; mob <= c + 1; mob += 1) points.push({ key: `${cohort.slice(0, 7)}|${mob}`, at: monthEndOrToday(monthStart(w.today, c + 1 - mob), w.today) });
  }
  if (points.length === 0) return [];
  const r = await sql<{ key: string; plans: number; overdue: number }>`
    select o.key, count(*)::bigint as plans,
      count(*) filter (where exists (select 1 from installments i where i.customer_id = p.customer_id and i.plan_id = p.id and ${LATE_AT}))::bigint as overdue
    from ${observations(points)} join plans p on ${ON_BOOK} and to_char(p.start_date, 'YYYY-MM') = split_part(o.key, '|', 1)
    group by o.key`.execute(db);
  const byCohort = new Map<string, Vintage>();
  for (const row of r.rows) {
    const [cohort, mob] = row.key.split('|') as [string, string];
    const v = byCohort.get(cohort) ?? { cohort, plans: 0, points: [] };
    v.points.push({ mob: Number(mob), plans: row.plans, overdue: row.overdue });
    v.plans = Math.max(v.plans, row.plans);
    byCohort.set(cohort, v);
  }
  for (const v of byCohort.values()) v.points.sort((a, b) => a.mob - b.mob);
  return [...byCohort.values()].sort((a, b) => a.cohort.localeCompare(b.cohort));
}
