import { sql } from 'kysely';
import { addDays, daysBetween, type BusinessDate } from '../../core/calendar/business-date.ts';
import { closeReference } from '../../core/close/close-entries.ts';
import { outboxKindsFor, sendOnFor } from '../../core/close/outbox-rules.ts';
import type { Tx } from '../../adapters/db/tx.ts';
import type { CloseCounts } from './counts.ts';

/**
 * Where a partition's income step resumes: the first bucket not yet done. Pages are whole
 * bucket ranges, so a page is one range of installments_close_due (due date, bucket) that the
 * database reads in heap order (a bitmap scan), with no keyset sort and no look-up by key.
 * An older cursor, the keyset [bucket, customer, plan, number] of an earlier version, resumes
 * at its bucket: rows of that bucket done already are skipped by the accrual key (below).
 */
export type IncomeCursor = number;

export function incomeCursor(stored: unknown): IncomeCursor | null {
  if (typeof stored === 'number') return stored;
  if (Array.isArray(stored) && typeof stored[0] === 'number') return stored[0];
  return null;
}

export const BUCKET_SQL = sql`(uuid_hash(i.customer_id) & 1023)`;

/**
 * An installment under outage protection (plan_protections, any cause). Its overdue notices
 * count from the extended due date, which the plan-by-plan path applies (protected installments
 * past their contractual date are overdue candidates every day), so the set-based steps,
 * which count from the contractual date, leave them out.
 *
 * Protections are rare (an outage or a moved entrance), so the statement first asks once
 * whether the table holds any row at all (an InitPlan, same snapshot as the rest of the
 * statement) and only then probes per row; CASE, unlike AND, guarantees the probe is skipped.
 * With no protection anywhere no installment can be protected: the answer is exact, not a
 * heuristic.
 */
const PROTECTED_SQL = (customer: string, plan: string, number: string) => sql`case when (select exists (select 1 from plan_protections)) then exists (select 1 from plan_protections pp
  where pp.customer_id = ${sql.ref(customer)} and pp.plan_id = ${sql.ref(plan)} and pp.installment_number = ${sql.ref(number)}) else false end`;

/**
 * The close's statements are many short ones whose estimated cost (nested loops over a page)
 * passes jit_above_cost: PostgreSQL then spends ~200 ms compiling each (measured on the
 * upcoming statement at 1M plans) to run it in a few milliseconds. SET LOCAL ends with the
 * transaction, so nothing else on the pooled connection is affected.
 */
export async function withoutJit(tx: Tx): Promise<void> {
  await sql`set local jit = off`.execute(tx);
}

export interface IncomePage { counts: CloseCounts; next: IncomeCursor | null }

/**
 * The last bucket of the page starting at bucket `lo`: the bucket holding the limit-th
 * installment due on the date from `lo` on (an index-only range of installments_close_due), or
 * the partition's last bucket when fewer remain. A page thus holds at least `limit`
 * installments, and at most that plus one bucket's (about 1,000 at 1M plans and 1,024 buckets).
 */
async function pageEnd(tx: Tx, p: { date: BusinessDate; lo: number; to: number; limit: number }): Promise<number> {
  const r = await sql<{ b: number }>`
    select ${BUCKET_SQL} as b from installments i
    where i.due_date = ${p.date}::date and ${BUCKET_SQL} between ${p.lo}::int and ${p.to}::int
    order by i.due_date, 1 offset ${Math.max(0, p.limit - 1)}::int limit 1`.execute(tx);
  return r.rows[0]?.b ?? p.to;
}

/**
 * The hot path, set-based: one statement earns the contractual income of a page of
 * installments falling due on the date (Dr unearned / Cr income, per plan), writes their
 * close_accruals rows, the journal entries (one per customer) and the postings, and queues
 * auto-debit and overdue notices for those still unpaid. Only accrual rows that actually
 * went in (ON CONFLICT DO NOTHING … RETURNING) produce postings: a page run twice, or a plan
 * a repayment already brought up to date, posts nothing the second time.
 */
export async function earnIncomePage(tx: Tx, p: { date: BusinessDate; from: number; to: number; after: IncomeCursor | null; limit: number; at: Date }): Promise<IncomePage> {
  const lo = Math.max(p.from, p.after ?? p.from);
  if (lo > p.to) return { counts: {}, next: null };
  await withoutJit(tx);
  const hi = await pageEnd(tx, { date: p.date, lo, to: p.to, limit: p.limit });
  const sendOn = sendOnFor(p.date);
  const kinds = outboxKindsFor(daysBetween(p.date, sendOn));
  const r = await sql<{ scanned: number; entries: number; plans: number; postings: number; interest: number; fee: number; queued: number }>`
    with page as (
      -- Whole buckets lo..hi due on the date: one range of installments_close_due, each
      -- installment's amounts read from the heap in the same scan (in heap order when the planner
      -- takes a bitmap scan): no keyset sort, no second look-up by primary key.
      select i.customer_id, i.plan_id, i.number,
        i.interest_fen - i.waived_interest_fen as interest, i.fee_fen - i.waived_fee_fen as fee,
        (i.principal_fen - i.paid_principal_fen - i.waived_principal_fen) + (i.interest_fen - i.paid_interest_fen - i.waived_interest_fen)
          + (i.fee_fen - i.paid_fee_fen - i.waived_fee_fen) as owed
      from installments i
      where i.due_date = ${p.date}::date and ${BUCKET_SQL} between ${lo}::int and ${hi}::int
    ), rows as (
      -- The plan's status by key, per row (a join lets the planner hash the whole plans table
      -- for a 5,000-row page), and only for rows that can produce something: income to earn or
      -- an amount still owed. A paid interest-free installment (two fifths of a typical day)
      -- earns nothing and queues nothing whatever its plan's status, so it is not looked up;
      -- its NULL status keeps it out of both inserts below, which it would add nothing to.
      select page.*, case when page.interest + page.fee > 0 or page.owed > 0
        then (select pl.status from plans pl where pl.customer_id = page.customer_id and pl.id = page.plan_id) end as status
      from page
    ), earned as (
      -- One journal entry per plan-day, its id chosen here and kept on the accrual row: the
      -- entry and postings below then need no join back (the planner misjudges joins of
      -- RETURNING rows and would loop over them).
      insert into close_accruals (customer_id, plan_id, business_date, step, interest_fen, fee_fen, entry_id)
      select customer_id, plan_id, ${p.date}::date, 'income', sum(interest), sum(fee), fenqi_uuidv7() from rows
      where status in ('active', 'paid_off', 'written_off')
      group by customer_id, plan_id having sum(interest) + sum(fee) > 0
      on conflict do nothing
      returning customer_id, plan_id, interest_fen, fee_fen, entry_id
    ), entries as (
      insert into journal_entries (customer_id, id, kind, reference, business_date, created_at)
      select customer_id, entry_id, 'income.earned', ${closeReference(p.date)}, ${p.date}::date, ${p.at} from earned
      returning 1
    ), posted as (
      insert into postings (customer_id, entry_id, seq, debit_account, credit_account, plan_id, amount_fen, business_date)
      select x.customer_id, x.entry_id, k.seq, k.debit, k.credit, x.plan_id, k.amount, ${p.date}::date
      from earned x cross join lateral (values (0, 'unearned.interest', 'income.interest', x.interest_fen), (1, 'unearned.fee', 'income.fee', x.fee_fen)) as k(seq, debit, credit, amount)
      where k.amount > 0
      returning credit_account, amount_fen
    ), queued as (
      insert into close_outbox (customer_id, plan_id, installment_number, kind, business_date, send_on, created_at)
      select r.customer_id, r.plan_id, r.number, k.kind, ${p.date}::date, ${sendOn}::date, ${p.at}
      from rows r cross join unnest(${kinds}::text[]) as k(kind)
      where r.status = 'active' and r.owed > 0 and not (k.kind like 'overdue%' and ${PROTECTED_SQL('r.customer_id', 'r.plan_id', 'r.number')})
      on conflict do nothing
      returning 1
    )
    select (select count(*) from page)::int as scanned, (select count(*) from earned)::int as plans, (select count(*) from posted)::int as postings,
      coalesce((select sum(amount_fen) from posted where credit_account = 'income.interest'), 0)::bigint as interest,
      coalesce((select sum(amount_fen) from posted where credit_account = 'income.fee'), 0)::bigint as fee,
      (select count(*) from queued)::int as queued, (select count(*) from entries)::int as entries`.execute(tx);
  const row = r.rows[0]!;
  const counts: CloseCounts = { installmentsDue: row.scanned, incomePlans: row.plans, incomePostings: row.postings, interestEarnedFen: row.interest, feeEarnedFen: row.fee, queued: row.queued };
  return { counts, next: hi >= p.to ? null : hi + 1 };
}

/**
 * Reminders and auto-debits for installments not yet due, and overdue notices for those past
 * due, in one statement per partition; day 1 after due is queued by earnIncomePage, which
 * reads those installments anyway. One exact probe of installments_close_open (bucket,
 * due date) per bucket and due date: a bucket range with a due date would read every open
 * installment of the range's buckets for each date (at 1M plans, 45,000 buffers and half a
 * second per partition, where the probes take 2 ms).
 */
export async function queueUpcoming(tx: Tx, p: { date: BusinessDate; from: number; to: number; daysAfterDue: readonly number[]; at: Date }): Promise<number> {
  const sendOn = sendOnFor(p.date);
  const pairs = p.daysAfterDue.flatMap((d) => outboxKindsFor(d).map((kind) => sql`(${addDays(sendOn, -d)}::date, ${kind}::text)`));
  if (pairs.length === 0) return 0;
  await withoutJit(tx);
  const r = await sql`
    insert into close_outbox (customer_id, plan_id, installment_number, kind, business_date, send_on, created_at)
    select i.customer_id, i.plan_id, i.number, k.kind, ${p.date}::date, ${sendOn}::date, ${p.at}
    from (values ${sql.join(pairs)}) as k(due_date, kind)
    cross join generate_series(${p.from}::int, ${p.to}::int) as bk(b)
    join installments i on i.due_date = k.due_date and i.settled_on is null and ${BUCKET_SQL} = bk.b
    where (select pl.status from plans pl where pl.customer_id = i.customer_id and pl.id = i.plan_id) = 'active'
      and not (k.kind like 'overdue%' and ${PROTECTED_SQL('i.customer_id', 'i.plan_id', 'i.number')})
      and (i.principal_fen - i.paid_principal_fen - i.waived_principal_fen) + (i.interest_fen - i.paid_interest_fen - i.waived_interest_fen)
          + (i.fee_fen - i.paid_fee_fen - i.waived_fee_fen) > 0
    on conflict do nothing`.execute(tx);
  return Number(r.numAffectedRows ?? 0);
}
