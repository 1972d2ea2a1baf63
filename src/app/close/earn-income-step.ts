import { sql } from 'kysely';
import { addDays, daysBetween, type BusinessDate } from '../../core/calendar/business-date.ts';
import { closeReference } from '../../core/close/close-entries.ts';
import { outboxKindsFor, sendOnFor } from '../../core/close/outbox-rules.ts';
import type { Tx } from '../../adapters/db/tx.ts';
import type { CloseCounts } from './counts.ts';

/** Keyset position in the installments_close_due index: (bucket, customer, plan, number). */
export type IncomeKey = [number, string, string, number];

export const BUCKET_SQL = sql`(uuid_hash(i.customer_id) & 1023)`;
const NIL = '00000000-0000-0000-0000-000000000000';

/**
 * An installment under outage protection (plan_protections, any cause). Its overdue notices
 * count from the extended due date, which the plan-by-plan path applies (protected installments
 * past their contractual date are overdue candidates every day), so the set-based steps,
 * which count from the contractual date, leave them out.
 */
const PROTECTED_SQL = (customer: string, plan: string, number: string) => sql`exists (select 1 from plan_protections pp
  where pp.customer_id = ${sql.ref(customer)} and pp.plan_id = ${sql.ref(plan)} and pp.installment_number = ${sql.ref(number)})`;

export interface IncomePage { counts: CloseCounts; next: IncomeKey | null }

/**
 * The hot path, set-based: one statement earns the contractual income of a page of
 * installments falling due on the date (Dr unearned / Cr income, per plan), writes their
 * close_accruals rows, the journal entries (one per customer) and the postings, and queues
 * auto-debit and overdue notices for those still unpaid. Only accrual rows that actually
 * went in (ON CONFLICT DO NOTHING … RETURNING) produce postings: a page run twice, or a plan
 * a repayment already brought up to date, posts nothing the second time.
 */
export async function earnIncomePage(tx: Tx, p: { date: BusinessDate; from: number; to: number; after: IncomeKey | null; limit: number; at: Date }): Promise<IncomePage> {
  const [b, c, pl, n] = p.after ?? [p.from - 1, NIL, NIL, 0];
  const sendOn = sendOnFor(p.date);
  const kinds = outboxKindsFor(daysBetween(p.date, sendOn));
  const r = await sql<{ scanned: number; entries: number; plans: number; postings: number; interest: number; fee: number; queued: number; b: number | null; c: string | null; p: string | null; n: number | null }>`
    with page as (
      select ${BUCKET_SQL} as b, i.customer_id, i.plan_id, i.number from installments i
      where i.due_date = ${p.date}::date and ${BUCKET_SQL} between ${p.from}::int and ${p.to}::int
        and (${BUCKET_SQL}, i.customer_id, i.plan_id, i.number) > (${b}::int, ${c}::uuid, ${pl}::uuid, ${n}::int)
      order by 1, 2, 3, 4 limit ${p.limit}::int
    ), rows as (
      -- The plan's status by primary key, per row: a join lets the planner hash the whole plans table for a 5,000-row page.
      select i.customer_id, i.plan_id, i.number,
        (select pl.status from plans pl where pl.customer_id = i.customer_id and pl.id = i.plan_id) as status,
        i.interest_fen - i.waived_interest_fen as interest, i.fee_fen - i.waived_fee_fen as fee,
        (i.principal_fen - i.paid_principal_fen - i.waived_principal_fen) + (i.interest_fen - i.paid_interest_fen - i.waived_interest_fen)
          + (i.fee_fen - i.paid_fee_fen - i.waived_fee_fen) as owed
      from page join installments i on i.customer_id = page.customer_id and i.plan_id = page.plan_id and i.number = page.number
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
    ), last as (select * from page order by b desc, customer_id desc, plan_id desc, number desc limit 1)
    select (select count(*) from page)::int as scanned, (select count(*) from earned)::int as plans, (select count(*) from posted)::int as postings,
      coalesce((select sum(amount_fen) from posted where credit_account = 'income.interest'), 0)::bigint as interest,
      coalesce((select sum(amount_fen) from posted where credit_account = 'income.fee'), 0)::bigint as fee,
      (select count(*) from queued)::int as queued, (select count(*) from entries)::int as entries, last.b, last.customer_id as c, last.plan_id as p, last.number as n
    from (select 1) as one left join last on true`.execute(tx);
  const row = r.rows[0]!;
  const counts: CloseCounts = { installmentsDue: row.scanned, incomePlans: row.plans, incomePostings: row.postings, interestEarnedFen: row.interest, feeEarnedFen: row.fee, queued: row.queued };
  return { counts, next: row.b === null || row.scanned < p.limit ? null : [row.b, row.c!, row.p!, row.n!] };
}

/**
 * Reminders and auto-debits for installments not yet due, and overdue notices for those past
 * due, in one statement per partition (one index probe per due date); day 1 after due is
 * queued by earnIncomePage, which reads those installments anyway.
 */
export async function queueUpcoming(tx: Tx, p: { date: BusinessDate; from: number; to: number; daysAfterDue: readonly number[]; at: Date }): Promise<number> {
  const sendOn = sendOnFor(p.date);
  const pairs = p.daysAfterDue.flatMap((d) => outboxKindsFor(d).map((kind) => sql`(${addDays(sendOn, -d)}::date, ${kind}::text)`));
  if (pairs.length === 0) return 0;
  const r = await sql`
    insert into close_outbox (customer_id, plan_id, installment_number, kind, business_date, send_on, created_at)
    select i.customer_id, i.plan_id, i.number, k.kind, ${p.date}::date, ${sendOn}::date, ${p.at}
    from (values ${sql.join(pairs)}) as k(due_date, kind)
    join installments i on i.due_date = k.due_date and i.settled_on is null and ${BUCKET_SQL} between ${p.from}::int and ${p.to}::int
    where (select pl.status from plans pl where pl.customer_id = i.customer_id and pl.id = i.plan_id) = 'active'
      and not (k.kind like 'overdue%' and ${PROTECTED_SQL('i.customer_id', 'i.plan_id', 'i.number')})
      and (i.principal_fen - i.paid_principal_fen - i.waived_principal_fen) + (i.interest_fen - i.paid_interest_fen - i.waived_interest_fen)
          + (i.fee_fen - i.paid_fee_fen - i.waived_fee_fen) > 0
    on conflict do nothing`.execute(tx);
  return Number(r.numAffectedRows ?? 0);
}
