import { sql } from 'kysely';
import type { Db } from '../adapters/db/tx.ts';
import type { BusinessDate } from '../core/calendar/business-date.ts';
import { trialBalance } from './admin/trial-balance.ts';

export interface AccountTotal { account: string; debitFen: number; creditFen: number }
export interface LedgerCheckReport {
  ok: boolean;
  range: { from?: BusinessDate; to?: BusinessDate };
  totals: { debitFen: number; creditFen: number };
  accounts: AccountTotal[];
  /** Each list holds what failed; empty lists mean the check passed. */
  failures: {
    unbalanced: string[];
    emptyEntries: string[];
    planSubLedger: string[];
    allocations: string[];
    waivers: string[];
    creditLines: string[];
    creditBalances: string[];
    unearned: string[];
  };
  counts: { entries: number; postings: number; plans: number };
}

const LIMIT = 50;

/**
 * Proves the books: debits equal credits over the range (by construction, and checked
 * anyway), no entry without postings, every plan's receivables equal its schedule minus
 * allocations minus waivers, installments' paid and waived columns equal their live allocations and waivers,
 * each credit line's used amount equals the outstanding principal of its open plans, and
 * each credit balance equals its ledger account, and no plan has earned (or waived) more
 * interest or fees than it ever had unearned (its unearned balances never go below zero).
 */
export async function checkLedger(db: Db, range: { from?: BusinessDate; to?: BusinessDate } = {}): Promise<LedgerCheckReport> {
  const balance = await trialBalance(db, range);
  const { debitFen, creditFen } = balance.totals;

  const empty = await sql<{ id: string }>`
    select e.id from journal_entries e where not exists (select 1 from postings p where p.customer_id = e.customer_id and p.entry_id = e.id) limit ${LIMIT}`.execute(db);

  const subLedger = await sql<{ plan_id: string; account: string; ledger: number; schedule: number }>`
    with ledger as (
      select customer_id, plan_id, account, sum(amount)::bigint as balance from (
        select customer_id, plan_id, debit_account as account, amount_fen as amount from postings where debit_account like 'receivable.%'
        union all
        select customer_id, plan_id, credit_account, -amount_fen from postings where credit_account like 'receivable.%'
      ) x group by 1, 2, 3
    ), schedule as (
      select i.customer_id, i.plan_id, c.account, sum(c.amount)::bigint as balance
      from installments i cross join lateral (values
        ('receivable.principal', i.principal_fen - i.paid_principal_fen - i.waived_principal_fen),
        ('receivable.interest', i.interest_fen - i.paid_interest_fen - i.waived_interest_fen),
        ('receivable.fee', i.fee_fen - i.paid_fee_fen - i.waived_fee_fen),
        ('receivable.penalty', i.penalty_fen - i.paid_penalty_fen - i.waived_penalty_fen)
      ) as c(account, amount)
      group by 1, 2, 3
    )
    select coalesce(s.plan_id, l.plan_id)::text as plan_id, coalesce(s.account, l.account) as account,
           coalesce(l.balance, 0)::bigint as ledger, coalesce(s.balance, 0)::bigint as schedule
    from schedule s full join ledger l on l.customer_id = s.customer_id and l.plan_id = s.plan_id and l.account = s.account
    where coalesce(l.balance, 0) <> coalesce(s.balance, 0)
    limit ${LIMIT}`.execute(db);

  const allocations = await sql<{ plan_id: string; number: number; component: string }>`
    with live as (
      select a.customer_id, a.plan_id, a.installment_number, a.component, sum(a.amount_fen)::bigint as amount
      from allocations a join repayments r on r.customer_id = a.customer_id and r.id = a.repayment_id
      where r.status = 'posted' group by 1, 2, 3, 4
    )
    select i.plan_id::text, i.number, c.component from installments i
    cross join lateral (values ('principal', i.paid_principal_fen), ('interest', i.paid_interest_fen),
                               ('fee', i.paid_fee_fen), ('penalty', i.paid_penalty_fen)) as c(component, paid)
    left join live l on l.customer_id = i.customer_id and l.plan_id = i.plan_id and l.installment_number = i.number and l.component = c.component
    where c.paid <> coalesce(l.amount, 0)
    limit ${LIMIT}`.execute(db);

  const waivers = await sql<{ plan_id: string; number: number; component: string }>`
    with live as (
      select customer_id, plan_id, installment_number, component, sum(amount_fen)::bigint as amount
      from waivers where reversed_at is null group by 1, 2, 3, 4
    )
    select i.plan_id::text, i.number, c.component from installments i
    cross join lateral (values ('principal', i.waived_principal_fen), ('interest', i.waived_interest_fen),
                               ('fee', i.waived_fee_fen), ('penalty', i.waived_penalty_fen)) as c(component, waived)
    left join live l on l.customer_id = i.customer_id and l.plan_id = i.plan_id and l.installment_number = i.number and l.component = c.component
    where c.waived <> coalesce(l.amount, 0)
    limit ${LIMIT}`.execute(db);

  const lines = await sql<{ customer_id: string; used: number; outstanding: number }>`
    select c.customer_id::text, c.used_fen as used, coalesce(o.outstanding, 0)::bigint as outstanding
    from credit_lines c left join (
      select i.customer_id, sum(i.principal_fen - i.paid_principal_fen - i.waived_principal_fen)::bigint as outstanding
      from installments i join plans p on p.customer_id = i.customer_id and p.id = i.plan_id
      where p.status in ('pending', 'active') group by 1
    ) o on o.customer_id = c.customer_id
    where c.used_fen <> coalesce(o.outstanding, 0) limit ${LIMIT}`.execute(db);

  const balances = await sql<{ customer_id: string }>`
    select c.customer_id::text from credit_lines c left join (
      select customer_id, sum(amount)::bigint as balance from (
        select customer_id, amount_fen as amount from postings where credit_account = 'customer.credit_balance'
        union all select customer_id, -amount_fen from postings where debit_account = 'customer.credit_balance'
      ) x group by 1
    ) b on b.customer_id = c.customer_id
    where c.credit_balance_fen <> coalesce(b.balance, 0) limit ${LIMIT}`.execute(db);

  const unearned = await sql<{ plan_id: string; account: string; balance: number }>`
    select plan_id::text, account, sum(amount)::bigint as balance from (
      select customer_id, plan_id, credit_account as account, amount_fen as amount from postings where credit_account like 'unearned.%'
      union all
      select customer_id, plan_id, debit_account, -amount_fen from postings where debit_account like 'unearned.%'
    ) x group by customer_id, plan_id, account having sum(amount) < 0 limit ${LIMIT}`.execute(db);

  const counts = await sql<{ entries: number; postings: number; plans: number }>`
    select (select count(*) from journal_entries)::bigint as entries, (select count(*) from postings)::bigint as postings,
           (select count(*) from plans)::bigint as plans`.execute(db);

  const failures = {
    unbalanced: debitFen === creditFen ? [] : [`debits ${debitFen} ≠ credits ${creditFen}`],
    emptyEntries: empty.rows.map((r) => `entry ${r.id} has no postings`),
    planSubLedger: subLedger.rows.map((r) => `plan ${r.plan_id} ${r.account}: ledger ${r.ledger} ≠ schedule ${r.schedule}`),
    allocations: allocations.rows.map((r) => `plan ${r.plan_id} #${r.number} ${r.component}: paid ≠ live allocations`),
    waivers: waivers.rows.map((r) => `plan ${r.plan_id} #${r.number} ${r.component}: waived ≠ live waivers`),
    creditLines: lines.rows.map((r) => `customer ${r.customer_id}: used ${r.used} ≠ outstanding principal ${r.outstanding}`),
    creditBalances: balances.rows.map((r) => `customer ${r.customer_id}: credit balance ≠ ledger`),
    unearned: unearned.rows.map((r) => `plan ${r.plan_id} ${r.account}: balance ${r.balance} below zero`),
  };
  return {
    ok: Object.values(failures).every((list) => list.length === 0),
    range, totals: { debitFen, creditFen },
    accounts: balance.lines.map((l) => ({ account: l.account, debitFen: l.debitFen, creditFen: l.creditFen })),
    failures, counts: counts.rows[0]!,
  };
}
