import { sql, type RawBuilder } from 'kysely';
import type { BusinessDate } from '../../core/calendar/business-date.ts';
import { parseLateChargeRule, type LateChargeRule } from '../../core/charges/late-charge-rule.ts';
import type { PaymentRecord } from '../../core/charges/payment-history.ts';
import type { InstallmentState } from '../../core/servicing/installment-state.ts';
import { toState } from '../../adapters/db/plan-store.ts';
import type { Tx } from '../../adapters/db/tx.ts';
import { extendedDueDates } from '../entrances/protection-store.ts';
import { timed } from './phase-timer.ts';

export interface PlanKey { customerId: string; planId: string }

export interface LoadedPlan {
  key: PlanKey;
  status: string;
  rule: LateChargeRule | { error: string };
  daysPastDue: number;
  bucket: string;
  states: InstallmentState[];
  history: Map<number, PaymentRecord[]>;
  incomeDone: boolean;
  chargesDone: boolean;
  /** Outage protection: installment number → extended due date (see core/close/plan-day.ts). */
  extendedDueDates: Map<number, BusinessDate>;
  /** A customer payment naming this plan is still with the gateway: no late charge is posted today. */
  paymentInFlight: boolean;
}

export const pairsOf = (keys: readonly PlanKey[]): RawBuilder<unknown> =>
  sql`(values ${sql.join(keys.map((k) => sql`(${k.customerId}::uuid, ${k.planId}::uuid)`))})`;

/**
 * Takes the customers' locks in customer-id order — the same first lock a repayment takes,
 * so a repayment for one of these customers simply waits for this short transaction — and
 * loads what one day's close needs for each plan. Plans that no longer exist are dropped.
 */
export async function lockAndLoad(tx: Tx, keys: readonly PlanKey[], date: BusinessDate): Promise<LoadedPlan[]> {
  if (keys.length === 0) return [];
  const customers = [...new Set(keys.map((k) => k.customerId))].sort();
  await timed('load.lock', () => sql`select customer_id from credit_lines where customer_id in (${sql.join(customers.map((c) => sql`${c}::uuid`))})
            order by customer_id for update`.execute(tx));
  const pairs = pairsOf(keys);
  const plans = await timed('load.plans', () => sql<{ customer_id: string; id: string; status: string; late_charge_rule: unknown; days_past_due: number; delinquency_bucket: string }>`
    select customer_id, id, status, late_charge_rule, days_past_due, delinquency_bucket from plans
    where (customer_id, id) in (select * from ${pairs} as k(c, p)) order by customer_id, id`.execute(tx));
  const installments = await timed('load.installments', () => sql<Parameters<typeof toState>[0]>`
    select * from installments where (customer_id, plan_id) in (select * from ${pairs} as k(c, p)) order by plan_id, number`.execute(tx));
  const history = await timed('load.history', () => loadHistory(tx, pairs));
  const extended = await timed('load.extended', () => extendedDueDates(tx, keys));
  const inFlight = await timed('load.inflight', () => plansWithPaymentInFlight(tx, customers));
  const done = await timed('load.done', () => sql<{ plan_id: string; step: string }>`
    select plan_id, step from close_accruals
    where (customer_id, plan_id) in (select * from ${pairs} as k(c, p)) and business_date = ${date}::date`.execute(tx));
  // Grouped once by plan: a page holds hundreds of plans, and filtering every row list per plan costs pages × rows.
  const statesOf = groupBy(installments.rows, (i) => i.plan_id);
  const stepsDone = new Set(done.rows.map((d) => `${d.plan_id}:${d.step}`));
  return plans.rows.map((p) => {
    const rule = parseLateChargeRule(p.late_charge_rule);
    return {
      key: { customerId: p.customer_id, planId: p.id }, status: p.status, daysPastDue: p.days_past_due, bucket: p.delinquency_bucket,
      rule: rule.ok ? rule.value : { error: `${rule.error.code}: ${rule.error.message}` },
      states: (statesOf.get(p.id) ?? []).map(toState),
      history: history.get(p.id) ?? new Map(),
      incomeDone: stepsDone.has(`${p.id}:income`),
      chargesDone: stepsDone.has(`${p.id}:charges`),
      extendedDueDates: extended.get(p.id) ?? new Map(),
      paymentInFlight: inFlight.has(p.id),
    };
  });
}

/**
 * Plans named by a customer payment still with the gateway (the set-based form of
 * inFlightPayments() in app/payments/list-payments.ts, for a page of customers at once).
 */
async function plansWithPaymentInFlight(tx: Tx, customers: readonly string[]): Promise<Set<string>> {
  const r = await sql<{ plan_id: string }>`
    select distinct x.plan_id from payments p cross join jsonb_array_elements_text(p.plan_ids) as x(plan_id)
    where p.customer_id in (${sql.join(customers.map((c) => sql`${c}::uuid`))}) and p.status in ('created', 'pending')`.execute(tx);
  return new Set(r.rows.map((row) => row.plan_id));
}

/**
 * What reduced each installment's principal, interest and fee, by business date: allocations
 * of posted (not reversed) repayments, and waivers not reversed. Penalty is left out because
 * penalty never accrues on penalty. A repayment that came through a gateway payment is dated
 * the day the customer paid (payments.business_date), not the day the gateway confirmed it:
 * a delay that is the gateway's costs the customer nothing.
 */
async function loadHistory(tx: Tx, pairs: RawBuilder<unknown>): Promise<Map<string, Map<number, PaymentRecord[]>>> {
  const rows = await sql<{ plan_id: string; number: number; component: 'principal' | 'interest' | 'fee'; amount: number; date: string }>`
    select a.plan_id, a.installment_number as number, a.component, a.amount_fen as amount,
      least(r.business_date, (select min(pm.business_date) from payments pm where pm.customer_id = r.customer_id and pm.repayment_id = r.id)) as date
    from allocations a join repayments r on r.customer_id = a.customer_id and r.id = a.repayment_id
    where (a.customer_id, a.plan_id) in (select * from ${pairs} as k(c, p)) and r.status = 'posted' and a.component <> 'penalty'
    union all
    select w.plan_id, w.installment_number, w.component, w.amount_fen, w.business_date
    from waivers w where (w.customer_id, w.plan_id) in (select * from ${pairs} as k(c, p)) and w.reversed_at is null and w.component <> 'penalty'`.execute(tx);
  const byPlan = new Map<string, Map<number, PaymentRecord[]>>();
  for (const r of rows.rows) {
    const plan = byPlan.get(r.plan_id) ?? new Map<number, PaymentRecord[]>();
    const list = plan.get(r.number) ?? [];
    list.push({ date: r.date, [r.component]: r.amount });
    plan.set(r.number, list);
    byPlan.set(r.plan_id, plan);
  }
  return byPlan;
}

function groupBy<T>(rows: readonly T[], keyOf: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = groups.get(key);
    if (list) list.push(row); else groups.set(key, [row]);
  }
  return groups;
}
