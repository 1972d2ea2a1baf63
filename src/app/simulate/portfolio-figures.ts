import { sql } from 'kysely';
import type { BusinessDate } from '../../core/calendar/business-date.ts';
import { overdueRates, sortedRecord, type MonthDelinquency, type PartnerSettlementSummary, type SimReport } from '../../core/simulate/report.ts';
import type { Db } from '../../adapters/db/tx.ts';
import type { SimStore } from './sim-store.ts';

/** Read-only figures for the report, each one aggregate query over the simulated store. */

const countsBy = async (q: Promise<{ k: string; n: number | string }[]>): Promise<Record<string, number>> =>
  sortedRecord(Object.fromEntries((await q).map((r) => [r.k, Number(r.n)])));

/** Active plans per delinquency bucket after the month's last close. */
export async function monthDelinquency(db: Db, month: string, asOf: BusinessDate, bucketCodes: readonly string[]): Promise<MonthDelinquency> {
  const rows = await sql<{ k: string; n: number }>`select delinquency_bucket as k, count(*)::int as n from plans where status = 'active' group by 1`.execute(db);
  const buckets: Record<string, number> = Object.fromEntries(bucketCodes.map((b) => [b, 0]));
  for (const r of rows.rows) buckets[r.k] = Number(r.n);
  const active = Object.values(buckets).reduce((s, n) => s + n, 0);
  const off = await sql<{ n: number }>`select count(*)::int as n from plans where status = 'written_off'`.execute(db);
  return { month, asOf, activePlans: active, buckets: sortedRecord(buckets), overdueRate: overdueRates(buckets, active, bucketCodes[0]), writtenOffPlans: Number(off.rows[0]!.n) };
}

export async function planFigures(db: Db, store: SimStore): Promise<Omit<SimReport['plans'], 'declined'>> {
  const codeOf = new Map(Object.entries(store.products).map(([code, id]) => [id, code]));
  const byProduct = await sql<{ k: string; n: number }>`select product_id::text as k, count(*)::int as n from plans group by 1`.execute(db);
  const totals = await sql<{ n: number; financed: number }>`select count(*)::int as n, coalesce(sum(financed_fen), 0)::bigint as financed from plans`.execute(db);
  return {
    created: Number(totals.rows[0]!.n),
    byProduct: sortedRecord(Object.fromEntries(byProduct.rows.map((r) => [codeOf.get(r.k) ?? r.k, Number(r.n)]))),
    byStatus: await countsBy(db.selectFrom('plans').select((eb) => ['status as k', eb.fn.countAll<number>().as('n')]).groupBy('status').execute()),
    financedFen: Number(totals.rows[0]!.financed),
  };
}

export async function repaymentFigures(db: Db): Promise<Pick<SimReport, 'repayments' | 'collected'>> {
  const posted = await sql<{ n: number; amount: number }>`select count(*)::int as n, coalesce(sum(amount_fen), 0)::bigint as amount from repayments where status = 'posted'`.execute(db);
  const byKind = await countsBy(db.selectFrom('repayments').select((eb) => ['kind as k', eb.fn.countAll<number>().as('n')]).where('status', '=', 'posted').groupBy('kind').execute());
  const parts = await sql<{ component: string; amount: number }>`
    select a.component, sum(a.amount_fen)::bigint as amount from allocations a
    join repayments r on r.customer_id = a.customer_id and r.id = a.repayment_id where r.status = 'posted' group by 1`.execute(db);
  const of = (c: string) => Number(parts.rows.find((r) => r.component === c)?.amount ?? 0);
  const collected = { principalFen: of('principal'), interestFen: of('interest'), feeFen: of('fee'), penaltyFen: of('penalty'), totalFen: 0 };
  collected.totalFen = collected.principalFen + collected.interestFen + collected.feeFen + collected.penaltyFen;
  return { repayments: { count: Number(posted.rows[0]!.n), byKind, amountFen: Number(posted.rows[0]!.amount) }, collected };
}

export async function noticeFigures(db: Db): Promise<SimReport['notices']> {
  return {
    sentByKind: await countsBy(db.selectFrom('notices').select((eb) => ['kind as k', eb.fn.countAll<number>().as('n')]).where('status', '=', 'sent').groupBy('kind').execute()),
    otherByStatus: await countsBy(db.selectFrom('notices').select((eb) => ['status as k', eb.fn.countAll<number>().as('n')]).where('status', '<>', 'sent').groupBy('status').execute()),
    continuityByKind: await countsBy(db.selectFrom('continuity_notices').select((eb) => ['kind as k', eb.fn.countAll<number>().as('n')]).groupBy('kind').execute()),
  };
}

export async function autoDebitFigures(db: Db): Promise<Record<string, number>> {
  return countsBy(db.selectFrom('autodebit_attempts').select((eb) => ['result as k', eb.fn.countAll<number>().as('n')]).groupBy('result').execute());
}

export async function settlementFigures(db: Db, partners: readonly { id: string; code: string }[], reconciledDays: ReadonlyMap<string, number>): Promise<PartnerSettlementSummary[]> {
  const out: PartnerSettlementSummary[] = [];
  for (const p of partners) {
    const s = await sql<{ days: number; funded: number; cp: number; ci: number; cf: number; cpen: number; returned: number; net: number }>`
      select count(*)::int as days, coalesce(sum(principal_funded_fen), 0)::bigint as funded, coalesce(sum(collected_principal_fen), 0)::bigint as cp,
        coalesce(sum(collected_interest_fen), 0)::bigint as ci, coalesce(sum(collected_fee_fen), 0)::bigint as cf, coalesce(sum(collected_penalty_fen), 0)::bigint as cpen,
        coalesce(sum(returned_principal_fen), 0)::bigint as returned, coalesce(sum(net_due_fen), 0)::bigint as net
      from partner_settlements where partner_id = ${p.id}`.execute(db);
    const r = s.rows[0]!;
    out.push({
      partner: p.code, daysSettled: Number(r.days), daysReconciled: reconciledDays.get(p.id) ?? 0, plansFundedFen: Number(r.funded),
      collected: { principalFen: Number(r.cp), interestFen: Number(r.ci), feeFen: Number(r.cf), penaltyFen: Number(r.cpen) },
      returnedPrincipalFen: Number(r.returned), netDueFen: Number(r.net),
    });
  }
  return out;
}
