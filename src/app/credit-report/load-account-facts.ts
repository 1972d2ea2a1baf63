import { createHmac } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import type { PaymentRecord } from '../../core/charges/payment-history.ts';
import type { AccountFacts, PlanStatus, ReplacedSchedule, ScheduledInstallment } from '../../core/credit-report/account-facts.ts';
import type { ReportMonth } from '../../core/credit-report/report-month.ts';
import type { Tx } from '../../adapters/db/tx.ts';
import { extendedDueDates } from '../entrances/protection-store.ts';

export interface PlanCursor { customerId: string; planId: string }

/**
 * The customer reference in a report: a keyed hash of the customer id under the deployment
 * secret. Stable from run to run, so a bureau can link an account's months, and useless to
 * anyone without the secret (PIPL data minimisation: the file carries no phone or ID number).
 */
export function customerRef(secret: string, customerId: string): string {
  return createHmac('sha256', secret).update(`credit-report:${customerId}`).digest('hex').slice(0, 24);
}

interface PlanRow {
  customer_id: string; id: string; status: PlanStatus; closed_on: string | null; start_date: string; financed_fen: number;
  phone_masked: string | null; limit_fen: number;
}

/**
 * One page of the plans reported for the month, in (customer, plan) order after the cursor:
 * opened by the month's end and not closed before it began. Everything else about them is
 * read for the page at once, so memory follows the page size, not the portfolio.
 */
export async function loadAccountPage(tx: Tx, o: { month: ReportMonth; after: PlanCursor | null; limit: number; secret: string; hardship: boolean }): Promise<{ facts: AccountFacts[]; last: PlanCursor | null }> {
  const plans = await sql<PlanRow>`
    select p.customer_id::text, p.id::text, p.status, p.closed_on, p.start_date, p.financed_fen, c.phone_masked, coalesce(cl.limit_fen, 0) as limit_fen
    from plans p join customers c on c.id = p.customer_id left join credit_lines cl on cl.customer_id = p.customer_id
    where p.status <> 'pending' and p.start_date <= ${o.month.end}::date and (p.closed_on is null or p.closed_on >= ${o.month.start}::date)
      ${o.after ? sql`and (p.customer_id, p.id) > (${o.after.customerId}::uuid, ${o.after.planId}::uuid)` : sql``}
    order by p.customer_id, p.id limit ${o.limit}`.execute(tx);
  if (plans.rows.length === 0) return { facts: [], last: null };
  const keys = plans.rows.map((p) => ({ customerId: p.customer_id, planId: p.id }));
  const pairs = sql`(values ${sql.join(keys.map((k) => sql`(${k.customerId}::uuid, ${k.planId}::uuid)`))})`;
  const [schedules, replaced, paid, waived, extended, restructured] = await Promise.all([
    loadSchedules(tx, pairs), loadReplaced(tx, pairs), loadPaid(tx, pairs), loadWaived(tx, pairs), extendedDueDates(tx, keys),
    o.hardship ? loadRestructured(tx, pairs) : Promise.resolve(new Map<string, string>()),
  ]);
  const facts = plans.rows.map((p): AccountFacts => ({
    planId: p.id, customerId: p.customer_id, customerRef: customerRef(o.secret, p.customer_id), phoneMasked: p.phone_masked, openDate: p.start_date,
    loan: p.financed_fen, creditLine: p.limit_fen, status: p.status, closedOn: p.closed_on,
    schedule: schedules.get(p.id) ?? [], replaced: replaced.get(p.id) ?? [], paid: paid.get(p.id) ?? new Map(), waived: waived.get(p.id) ?? new Map(),
    extendedDue: extended.get(p.id) ?? new Map(), restructuredOn: restructured.get(p.id) ?? null,
  }));
  return { facts, last: keys[keys.length - 1]! };
}

const group = <T>(m: Map<string, T[]>, key: string, v: T) => { const list = m.get(key); if (list) list.push(v); else m.set(key, [v]); };

async function loadSchedules(tx: Tx, pairs: RawBuilder<unknown>): Promise<Map<string, ScheduledInstallment[]>> {
  const rows = await sql<{ plan_id: string; number: number; due_date: string; principal_fen: number; interest_fen: number; fee_fen: number }>`
    select plan_id::text, number, due_date, principal_fen, interest_fen, fee_fen from installments
    where (customer_id, plan_id) in (select * from ${pairs} as k(c, p)) order by plan_id, number`.execute(tx);
  const out = new Map<string, ScheduledInstallment[]>();
  for (const r of rows.rows) group(out, r.plan_id, { number: r.number, dueDate: r.due_date, principal: r.principal_fen, interest: r.interest_fen, fee: r.fee_fen });
  return out;
}

/** schedule_history keeps each schedule a re-amortisation replaced, dated by the business date of the replacement. */
async function loadReplaced(tx: Tx, pairs: RawBuilder<unknown>): Promise<Map<string, ReplacedSchedule[]>> {
  const rows = await sql<{ plan_id: string; business_date: string; schedule: ScheduledInstallment[] | string }>`
    select plan_id::text, business_date, schedule from schedule_history
    where (customer_id, plan_id) in (select * from ${pairs} as k(c, p)) order by plan_id, version`.execute(tx);
  const out = new Map<string, ReplacedSchedule[]>();
  for (const r of rows.rows) {
    const installments = typeof r.schedule === 'string' ? JSON.parse(r.schedule) as ScheduledInstallment[] : r.schedule;
    group(out, r.plan_id, { replacedOn: r.business_date, installments });
  }
  return out;
}

interface SettledRow { plan_id: string; number: number; component: 'principal' | 'interest' | 'fee'; amount: number; date: string }

/** Allocations of posted repayments: a reversed repayment never happened, as far as a report is concerned. */
async function loadPaid(tx: Tx, pairs: RawBuilder<unknown>): Promise<Map<string, Map<number, PaymentRecord[]>>> {
  const rows = await sql<SettledRow>`
    select a.plan_id::text, a.installment_number as number, a.component, a.amount_fen as amount, r.business_date as date
    from allocations a join repayments r on r.customer_id = a.customer_id and r.id = a.repayment_id
    where (a.customer_id, a.plan_id) in (select * from ${pairs} as k(c, p)) and r.status = 'posted' and a.component <> 'penalty'`.execute(tx);
  return byInstallment(rows.rows);
}

/** Waivers still standing, except write-offs, which do not reduce what the customer owes. */
async function loadWaived(tx: Tx, pairs: RawBuilder<unknown>): Promise<Map<string, Map<number, PaymentRecord[]>>> {
  const rows = await sql<SettledRow>`
    select w.plan_id::text, w.installment_number as number, w.component, w.amount_fen as amount, w.business_date as date from waivers w
    where (w.customer_id, w.plan_id) in (select * from ${pairs} as k(c, p)) and w.reversed_at is null and w.component <> 'penalty' and w.source <> 'writeoff'`.execute(tx);
  return byInstallment(rows.rows);
}

function byInstallment(rows: readonly SettledRow[]): Map<string, Map<number, PaymentRecord[]>> {
  const out = new Map<string, Map<number, PaymentRecord[]>>();
  for (const r of rows) {
    const plan = out.get(r.plan_id) ?? new Map<number, PaymentRecord[]>();
    const list = plan.get(r.number) ?? [];
    list.push({ date: r.date, [r.component]: r.amount });
    plan.set(r.number, list);
    out.set(r.plan_id, plan);
  }
  return out;
}

/** The first accepted hardship plan's effective date per plan (协商还款, issue 6). */
async function loadRestructured(tx: Tx, pairs: RawBuilder<unknown>): Promise<Map<string, string>> {
  const rows = await sql<{ plan_id: string; accepted_on: string }>`
    select plan_id::text, min(accepted_on) as accepted_on from hardship_plans
    where (customer_id, plan_id) in (select * from ${pairs} as k(c, p)) and status = 'accepted' and accepted_on is not null
    group by plan_id`.execute(tx);
  return new Map(rows.rows.map((r) => [r.plan_id, r.accepted_on]));
}

/**
 * Hardship plans are another part's table (migration 0010); until it exists there is
 * nothing restructured. Checked once per run, not per page.
 */
export async function hasHardshipPlans(tx: Tx): Promise<boolean> {
  const r = await sql<{ t: string | null }>`select to_regclass('public.hardship_plans')::text as t`.execute(tx);
  return r.rows[0]?.t != null;
}
