import { sql } from 'kysely';
import type { Db } from '../../adapters/db/tx.ts';
import { addDays } from '../../core/calendar/business-date.ts';
import { firstDay, type DashboardWindow } from './window.ts';

export interface DatedFen { date: string; fen: number }
export interface CollectionDay { date: string; principal: number; interest: number; fee: number; penalty: number }

/**
 * 在贷余额: outstanding principal at the end of each day, from the ledger itself — the
 * running sum of what was debited to receivable.principal minus what was credited to it.
 * One grouped scan of the postings on that account; the window function carries the balance
 * from before the period into it, so the first point is the true balance, not zero.
 */
export async function outstandingPrincipal(db: Db, w: DashboardWindow): Promise<DatedFen[]> {
  const r = await sql<{ date: string; fen: number }>`
    select business_date as date, (sum(delta) over (order by business_date))::bigint as fen from (
      select business_date, sum(case when debit_account = 'receivable.principal' then amount_fen else -amount_fen end) as delta
      from postings
      where (debit_account = 'receivable.principal' or credit_account = 'receivable.principal') and business_date <= ${w.today}::date
      group by business_date
    ) d order by business_date`.execute(db);
  // One point per day of the window: a day without postings keeps the day before's balance.
  const from = firstDay(w);
  const byDate = new Map(r.rows.map((x) => [x.date, x.fen]));
  let balance = r.rows.filter((x) => x.date < from).at(-1)?.fen ?? null;
  const out: DatedFen[] = [];
  for (let day = from; day <= w.today; day = addDays(day, 1)) {
    balance = byDate.get(day) ?? balance;
    if (balance !== null) out.push({ date: day, fen: balance });
  }
  return out;
}

/**
 * 回款: what repayments took off the receivables each day, by component. A reversal
 * (repayment.reversed) puts it back, so a day shows net collections.
 */
export async function collectionsByDay(db: Db, w: DashboardWindow): Promise<CollectionDay[]> {
  const r = await sql<{ date: string; account: string; fen: number }>`
    select p.business_date as date, case when j.kind = 'repayment' then p.credit_account else p.debit_account end as account,
      sum(case when j.kind = 'repayment' then p.amount_fen else -p.amount_fen end)::bigint as fen
    from postings p join journal_entries j on j.customer_id = p.customer_id and j.id = p.entry_id
    where p.business_date between ${firstDay(w)}::date and ${w.today}::date
      and ((j.kind = 'repayment' and p.credit_account like 'receivable.%') or (j.kind = 'repayment.reversed' and p.debit_account like 'receivable.%'))
    group by 1, 2 order by 1`.execute(db);
  const days = new Map<string, CollectionDay>();
  for (const row of r.rows) {
    const day = days.get(row.date) ?? { date: row.date, principal: 0, interest: 0, fee: 0, penalty: 0 };
    const component = row.account.slice('receivable.'.length) as keyof Omit<CollectionDay, 'date'>;
    if (component in day) day[component] += row.fen;
    days.set(row.date, day);
  }
  return [...days.values()];
}
