import { sql } from 'kysely';
import type { BusinessDate } from '../../core/calendar/business-date.ts';
import { splitByShares } from '../../core/partners/shares.ts';
import type { SettlementLine } from '../../core/partners/settlement.ts';
import type { Db, Tx } from '../../adapters/db/tx.ts';
import { ownersOnSql } from './partner-store.ts';

/**
 * A partner's settlement lines for a day, from two independent sources: the operational
 * tables (plans, allocations, reversals, returns) make the file; the journal's postings
 * prove it (reconciliation). Both first total each plan's movements for the day, then split
 * the totals by the shares of the plan's owners that day, so the two agree to the fen
 * whenever the books are right. Movements belong to whoever owned the plan on the day they
 * happened: after a transfer, collections go to the buyer. The repayments table has no
 * reversal date, so a reversal's day is its journal entry's (found through postings by date).
 */
interface PlanMoves {
  customer_id: string; plan_id: string; funded: number; subsidy: number;
  principal: number; interest: number; fee: number; penalty: number; returned: number;
  owners: { p: string; bp: number }[];
}

const withOwners = (date: BusinessDate, partnerId: string, moves: ReturnType<typeof sql>) => sql<PlanMoves>`
  with moves as (${moves}),
  totals as (
    select customer_id, plan_id, sum(funded)::bigint as funded, sum(subsidy)::bigint as subsidy, sum(principal)::bigint as principal,
           sum(interest)::bigint as interest, sum(fee)::bigint as fee, sum(penalty)::bigint as penalty, sum(returned)::bigint as returned
    from moves group by 1, 2
  )
  select t.customer_id::text, t.plan_id::text, t.funded, t.subsidy, t.principal, t.interest, t.fee, t.penalty, t.returned,
         jsonb_agg(jsonb_build_object('p', o.partner_id, 'bp', o.share_bp) order by o.seq) as owners
  from totals t join ${ownersOnSql(date)} o on o.customer_id = t.customer_id and o.plan_id = t.plan_id
  group by 1, 2, 3, 4, 5, 6, 7, 8, 9
  having bool_or(o.partner_id = ${partnerId}::uuid)`;

const operationalMoves = (date: BusinessDate) => sql`
  select customer_id, id as plan_id, financed_fen as funded, merchant_subsidy_fen as subsidy,
         0::bigint as principal, 0::bigint as interest, 0::bigint as fee, 0::bigint as penalty, 0::bigint as returned
  from plans where start_date = ${date}::date
  union all
  select a.customer_id, a.plan_id, 0, 0, ${byComponent(sql`a.amount_fen`)}, 0
  from allocations a join repayments r on r.customer_id = a.customer_id and r.id = a.repayment_id
  where r.business_date = ${date}::date
  union all
  select a.customer_id, a.plan_id, 0, 0, ${byComponent(sql`-a.amount_fen`)}, 0
  from (select distinct e.customer_id, e.reference from postings x join journal_entries e on e.customer_id = x.customer_id and e.id = x.entry_id
        where x.business_date = ${date}::date and e.kind = 'repayment.reversed') rev
  join repayments r on r.customer_id = rev.customer_id and r.id::text = rev.reference
  join allocations a on a.customer_id = r.customer_id and a.repayment_id = r.id
  union all
  select customer_id, plan_id, 0, 0, 0, 0, 0, 0, principal_reduced_fen from returns where business_date = ${date}::date`;

function byComponent(amount: ReturnType<typeof sql>) {
  return sql.join((['principal', 'interest', 'fee', 'penalty'] as const).map((c) => sql`case when a.component = ${c} then ${amount} else 0 end`));
}

/** Receivable credits by a repayment, and their mirror (cash or credit balance back) by a reversal; a reversed payoff waiver is not a collection. */
const ledgerMoves = (date: BusinessDate) => {
  const collected = (c: string) => sql`sum(case
      when e.kind = 'repayment' and p.credit_account = ${`receivable.${c}`} then p.amount_fen
      when e.kind = 'repayment.reversed' and p.debit_account = ${`receivable.${c}`}
           and (p.credit_account like 'cash.%' or p.credit_account = 'customer.credit_balance') then -p.amount_fen
      else 0 end)`;
  return sql`
  select p.customer_id, p.plan_id,
    sum(case when e.kind = 'plan.originated' and p.debit_account = 'receivable.principal' then p.amount_fen else 0 end) as funded,
    sum(case when e.kind = 'plan.originated' and p.credit_account = 'income.subsidy' then p.amount_fen else 0 end) as subsidy,
    ${collected('principal')} as principal, ${collected('interest')} as interest, ${collected('fee')} as fee, ${collected('penalty')} as penalty,
    sum(case when e.kind = 'return' and p.debit_account = 'merchant.payable' and p.credit_account = 'receivable.principal' then p.amount_fen else 0 end) as returned
  from postings p join journal_entries e on e.customer_id = p.customer_id and e.id = p.entry_id
  where p.business_date = ${date}::date and p.plan_id is not null and e.kind in ('plan.originated', 'repayment', 'repayment.reversed', 'return')
  group by 1, 2`;
};

export async function operationalLines(db: Db | Tx, partnerId: string, date: BusinessDate): Promise<SettlementLine[]> {
  return linesFor((await withOwners(date, partnerId, operationalMoves(date)).execute(db)).rows, partnerId);
}

export async function ledgerLines(db: Db | Tx, partnerId: string, date: BusinessDate): Promise<SettlementLine[]> {
  return linesFor((await withOwners(date, partnerId, ledgerMoves(date)).execute(db)).rows, partnerId);
}

/** The partner's share of each plan's day; plans where every amount is zero are left out. */
function linesFor(rows: PlanMoves[], partnerId: string): SettlementLine[] {
  const lines: SettlementLine[] = [];
  for (const r of rows) {
    const shares = r.owners.map((o) => o.bp);
    const index = r.owners.findIndex((o) => o.p === partnerId);
    const mine = (amount: number) => splitByShares(Number(amount), shares)[index]!;
    const line: SettlementLine = {
      planId: r.plan_id, principalFunded: mine(r.funded), merchantSubsidy: mine(r.subsidy), returnedPrincipal: mine(r.returned),
      collected: { principal: mine(r.principal), interest: mine(r.interest), fee: mine(r.fee), penalty: mine(r.penalty) },
    };
    const any = line.principalFunded || line.merchantSubsidy || line.returnedPrincipal || Object.values(line.collected).some((v) => v !== 0);
    if (any) lines.push(line);
  }
  return lines;
}
