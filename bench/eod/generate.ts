import { sql, type Kysely } from 'kysely';
import { DEFAULT_LATE_CHARGE_RULE } from '../../src/app/admin/product-rules.ts';
import type { Database } from '../../src/adapters/db/schema.ts';

/**
 * A portfolio written straight into the database with generate_series (no API): `plans`
 * active plans of 12 monthly installments (so 12 × plans installments) over 0.8 × plans
 * customers, consistent with the ledger (origination entries; repayment, allocation and
 * posting rows for what is paid), so `fenqi ledger check` passes on it.
 *
 * Cohorts, by plan number k: 40% interest-free, 30% interest (1%/month), 30% fee
 * (0.6%/month). 97.9% have their first installment due on the close date and 90% of those
 * paid it that day; 2% are one month behind (installment 1 unpaid, 28 days past due); 0.1%
 * are seven months behind (over 180 days: written off by the close).
 */
export async function generatePortfolio(db: Kysely<Database>, plans: number, dueDate: string, log: (s: string) => void): Promise<void> {
  const customers = Math.max(1, Math.floor(plans * 0.8));
  const step = async (what: string, ...statements: ReturnType<typeof sql>[]) => {
    const t = Date.now();
    for (const q of statements) await q.execute(db);
    log(`  ${what}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  };
  const rule = JSON.stringify(DEFAULT_LATE_CHARGE_RULE);
  // Secondary indexes are dropped while loading and rebuilt after: one sort per index instead
  // of millions of single inserts. (Bench setup only; the close runs with all of them.)
  const indexes = await sql<{ indexname: string; indexdef: string }>`
    select indexname, indexdef from pg_indexes where schemaname = 'public' and tablename in ('installments', 'postings', 'plans')
      and indexname not like '%_pkey'`.execute(db);
  for (const ix of indexes.rows) await sql.raw(`drop index ${ix.indexname}`).execute(db);
  await step('bench plan table', sql`
    create table bench_plans as select k, md5('p' || k)::uuid as id, md5('c' || (((k - 1) % ${customers}::int) + 1))::uuid as customer_id,
      (120000 * (1 + k % 5))::bigint as financed,
      case when k % 10 < 4 then 'free' when k % 10 < 7 then 'interest' else 'fee' end as kind,
      case when k % 1000 = 1 then 7 when k % 50 = 0 then 1 else 0 end as behind,
      (k % 1000 <> 1 and k % 50 <> 0 and k % 10 <> 3) as paid_today
    from generate_series(1, ${plans}::int) k`);
  await step('merchant, product, customers', sql`
    insert into merchants (id, name, webhook_secret, status, created_at) values ('00000000-0000-7000-8000-0000000000b1', 'bench', 'x', 'active', now())`,
    sql`insert into customers (id, statement_day, due_day, status, created_at)
      select md5('c' || k)::uuid, 1, 10, 'active', now() from generate_series(1, ${customers}::int) k`);
  await step('plans', sql`
    insert into plans (customer_id, id, merchant_id, merchant_order_id, product_id, product_version, method, terms, amount_fen, down_payment_fen, financed_fen,
      annual_rate, monthly_fee_rate, rounding, grace_days, late_charge_rule, allocation_strategy, payoff_policy, apr, start_date, first_due_date,
      status, decision, created_at, updated_at)
    select customer_id, id, '00000000-0000-7000-8000-0000000000b1', 'bench-' || k, '00000000-0000-7000-8000-0000000000b2', 1,
      case kind when 'free' then 'interest-free' when 'interest' then 'interest-only' else 'fee-per-period' end, 12, financed, 0, financed,
      case kind when 'interest' then '12' end, case kind when 'fee' then '0.6' end, 'half-up', 3, ${rule}::jsonb, 'penalty-fee-interest-principal', '{}'::jsonb, '0',
      (${dueDate}::date - make_interval(months => behind + 1))::date, (${dueDate}::date - make_interval(months => behind))::date,
      'active', '{}'::jsonb, now(), now()
    from bench_plans`);
  await step('installments', sql`
    insert into installments (customer_id, plan_id, number, due_date, principal_fen, interest_fen, fee_fen, paid_principal_fen, paid_interest_fen, paid_fee_fen, settled_on)
    select p.customer_id, p.id, n, (${dueDate}::date - make_interval(months => p.behind) + make_interval(months => n - 1))::date, p.financed / 12,
      case p.kind when 'interest' then p.financed / 100 else 0 end, case p.kind when 'fee' then p.financed * 6 / 1000 else 0 end,
      case when n = 1 and p.paid_today then p.financed / 12 else 0 end,
      case when n = 1 and p.paid_today and p.kind = 'interest' then p.financed / 100 else 0 end,
      case when n = 1 and p.paid_today and p.kind = 'fee' then p.financed * 6 / 1000 else 0 end,
      case when n = 1 and p.paid_today then ${dueDate}::date end
    from bench_plans p cross join generate_series(1, 12) n`);
  await step('origination entries', sql`
    insert into journal_entries (customer_id, id, kind, reference, business_date, created_at)
      select customer_id, md5('o' || k)::uuid, 'plan.originated', id::text, (${dueDate}::date - make_interval(months => behind + 1))::date, now() from bench_plans`,
    sql`insert into postings (customer_id, entry_id, seq, debit_account, credit_account, plan_id, amount_fen, business_date)
      select p.customer_id, md5('o' || p.k)::uuid, x.seq, x.debit, x.credit, p.id, x.amount, (${dueDate}::date - make_interval(months => p.behind + 1))::date
      from bench_plans p cross join lateral (values
        (0, 'receivable.principal', 'merchant.payable', p.financed),
        (1, 'receivable.interest', 'unearned.interest', case p.kind when 'interest' then p.financed / 100 * 12 else 0 end),
        (2, 'receivable.fee', 'unearned.fee', case p.kind when 'fee' then p.financed * 6 / 1000 * 12 else 0 end),
        (3, 'merchant.payable', 'partner.funding', p.financed)) as x(seq, debit, credit, amount)
      where x.amount > 0`);
  await step('repayments of installment 1', sql`
    insert into repayments (customer_id, id, plan_id, kind, amount_fen, applied_fen, to_credit_balance_fen, channel, status, business_date, created_at)
      select customer_id, md5('r' || k)::uuid, id, 'installment', a, a, 0, 'sandbox', 'posted', ${dueDate}::date, now()
      from (select *, financed / 12 + case kind when 'interest' then financed / 100 when 'fee' then financed * 6 / 1000 else 0 end as a from bench_plans where paid_today) p`,
    sql`insert into allocations (customer_id, repayment_id, seq, plan_id, installment_number, component, amount_fen)
      select p.customer_id, md5('r' || p.k)::uuid, x.seq, p.id, 1, x.component, x.amount from bench_plans p
      cross join lateral (values (0, 'principal', p.financed / 12), (1, 'interest', case p.kind when 'interest' then p.financed / 100 else 0 end),
        (2, 'fee', case p.kind when 'fee' then p.financed * 6 / 1000 else 0 end)) as x(seq, component, amount)
      where p.paid_today and x.amount > 0`,
    sql`insert into journal_entries (customer_id, id, kind, reference, business_date, created_at)
      select customer_id, md5('e' || k)::uuid, 'repayment', md5('r' || k), ${dueDate}::date, now() from bench_plans where paid_today`,
    sql`insert into postings (customer_id, entry_id, seq, debit_account, credit_account, plan_id, amount_fen, business_date)
      select a.customer_id, md5('e' || p.k)::uuid, a.seq, 'cash.sandbox', 'receivable.' || a.component, a.plan_id, a.amount_fen, ${dueDate}::date
      from bench_plans p join allocations a on a.customer_id = p.customer_id and a.repayment_id = md5('r' || p.k)::uuid where p.paid_today`);
  await step('credit lines', sql`
    insert into credit_lines (customer_id, limit_fen, used_fen, updated_at)
      select c.id, 100000000, coalesce(u.used, 0), now() from customers c left join (
        select p.customer_id, sum(p.financed - case when p.paid_today then p.financed / 12 else 0 end)::bigint as used from bench_plans p group by 1
      ) u on u.customer_id = c.id`,
    sql`drop table bench_plans`);
  await step('rebuild indexes', ...indexes.rows.map((ix) => sql.raw(ix.indexdef)));
  await step('vacuum analyze', sql`vacuum analyze`);
}
