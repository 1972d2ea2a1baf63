import { sql } from 'kysely';
import type { Component } from '../../core/ledger/accounts.ts';
import type { Allocation, InstallmentState } from '../../core/servicing/installment-state.ts';
import { outstandingTotal } from '../../core/servicing/installment-state.ts';
import type { BusinessDate } from '../../core/calendar/business-date.ts';
import type { Fen } from '../../core/money/fen.ts';
import type { Tx } from './tx.ts';
import { stableList } from './list-params.ts';
import type { CreditLinesTable, InstallmentsTable, PlansTable } from './schema.ts';
import type { RawBuilder, Selectable } from 'kysely';

export type PlanRow = Selectable<PlansTable>;
export type InstallmentRow = Selectable<InstallmentsTable>;
export type CreditLineRow = Selectable<CreditLinesTable>;

/**
 * The lock order every money-moving write follows: the customer's credit line row first
 * (it is the customer's mutex), then plans, then installments. Two writers for one customer
 * queue on the first lock and can never deadlock or act on stale balances.
 */
export async function lockCustomer(tx: Tx, customerId: string): Promise<CreditLineRow | undefined> {
  return (await lockCustomers(tx, [customerId]))[0];
}

/**
 * Locks many customers' credit line rows in one statement, in customer_id order: ORDER BY is
 * applied before FOR UPDATE locks each row, so every writer that locks a set of customers
 * takes them in the same global order and two batches can only queue, never deadlock.
 * Returns the rows found (a missing customer has none), in that order.
 */
export async function lockCustomers(tx: Tx, customerIds: readonly string[]): Promise<CreditLineRow[]> {
  if (customerIds.length === 0) return [];
  return (await lockCustomersQuery(customerIds).execute(tx)).rows;
}

/**
 * The SELECT … FOR UPDATE of lockCustomers, for a caller that runs it inside a larger
 * statement. `first`, a scalar subquery, is evaluated before the first row is locked: a batch
 * uses it to finish claiming its idempotency keys before it takes any customer lock, the
 * order the one-request path (claim, then lock) follows too.
 */
export function lockCustomersQuery(customerIds: readonly string[], first?: RawBuilder<unknown>): RawBuilder<CreditLineRow> {
  const ids = [...new Set(customerIds)].sort();
  return sql<CreditLineRow>`
    select * from credit_lines where customer_id = any(${stableList(ids, 'uuid')}) ${first ? sql`and (${first}) is not null` : sql``}
    order by customer_id for update`;
}

export async function findPlan(tx: Tx, customerId: string, planId: string): Promise<PlanRow | undefined> {
  return tx.selectFrom('plans').selectAll().where('customer_id', '=', customerId).where('id', '=', planId).executeTakeFirst();
}

export function toState(r: InstallmentRow): InstallmentState {
  return {
    number: r.number, dueDate: r.due_date, principal: r.principal_fen, interest: r.interest_fen, fee: r.fee_fen, penalty: r.penalty_fen,
    paid: { principal: r.paid_principal_fen, interest: r.paid_interest_fen, fee: r.paid_fee_fen, penalty: r.paid_penalty_fen },
    waived: { principal: r.waived_principal_fen, interest: r.waived_interest_fen, fee: r.waived_fee_fen, penalty: r.waived_penalty_fen },
  };
}

export async function loadInstallments(tx: Tx, customerId: string, planIds: string[]): Promise<Map<string, InstallmentState[]>> {
  const byPlan = new Map<string, InstallmentState[]>(planIds.map((id) => [id, []]));
  if (planIds.length === 0) return byPlan;
  const rows = await tx.selectFrom('installments').selectAll()
    .where('customer_id', '=', customerId).where('plan_id', 'in', planIds).orderBy('plan_id').orderBy('number').execute();
  for (const r of rows) byPlan.get(r.plan_id)!.push(toState(r));
  return byPlan;
}

/**
 * Adds (sign +1) or removes (sign −1, a reversal) amounts on installments' paid or waived
 * columns in one statement, and keeps settled_on in step: set when nothing is outstanding,
 * cleared when a reversal re-opens it.
 */
export async function adjustInstallments(
  tx: Tx, customerId: string, planId: string, column: 'paid' | 'waived', items: Allocation[], sign: 1 | -1, on: BusinessDate,
): Promise<void> {
  const deltas = new InstallmentDeltas();
  for (const a of items) deltas.add(customerId, planId, a, column, sign);
  await applyInstallmentDeltas(tx, deltas.rows(), on);
}

/** What one statement adds to one installment's paid and waived columns (negative for a reversal). */
export interface InstallmentDelta {
  customerId: string; planId: string; number: number;
  paid: Record<Component, Fen>; waived: Record<Component, Fen>;
}

/**
 * Sums allocations per installment, across plans and customers, so that one UPDATE touches
 * each row once (an UPDATE … FROM that matched a row twice would apply only one of them).
 */
export class InstallmentDeltas {
  private readonly byKey = new Map<string, InstallmentDelta>();
  add(customerId: string, planId: string, a: Allocation, column: 'paid' | 'waived', sign: 1 | -1 = 1): void {
    const key = `${customerId}/${planId}/${a.installmentNumber}`;
    let d = this.byKey.get(key);
    if (!d) {
      d = { customerId, planId, number: a.installmentNumber, paid: zero(), waived: zero() };
      this.byKey.set(key, d);
    }
    d[column][a.component] += a.amount * sign;
  }
  rows(): InstallmentDelta[] { return [...this.byKey.values()]; }
}

const zero = (): Record<Component, Fen> => ({ principal: 0, interest: 0, fee: 0, penalty: 0 });

/** Applies installment deltas for any number of plans and customers in one statement. */
export async function applyInstallmentDeltas(tx: Tx, deltas: readonly InstallmentDelta[], on: BusinessDate): Promise<void> {
  if (deltas.length > 0) await installmentDeltasWrite(deltas, on).execute(tx);
}

/**
 * The UPDATE behind applyInstallmentDeltas, as a fragment a caller may run inside a larger
 * statement (a data-modifying CTE); with no deltas it updates nothing. Writes like this one
 * take their rows as one JSON parameter, so the statement text — and its prepared plan — is the
 * same for one row or a thousand.
 */
export function installmentDeltasWrite(deltas: readonly InstallmentDelta[], on: BusinessDate): RawBuilder<unknown> {
  const rows = JSON.stringify(deltas.map((d) => [d.customerId, d.planId, d.number,
    d.paid.principal, d.paid.interest, d.paid.fee, d.paid.penalty, d.waived.principal, d.waived.interest, d.waived.fee, d.waived.penalty]));
  // The redundant `customer_id = any(…)` gives the planner an index condition, so the cost follows
  // the batch (an index probe per customer), never the table (a hash join over a scan of it).
  const customers = [...new Set(deltas.map((d) => d.customerId))];
  // SET expressions see the row before the update, so "outstanding after" is computed from the old values plus v.
  return sql`
    update installments as inst set
      paid_principal_fen = inst.paid_principal_fen + v.pp, paid_interest_fen = inst.paid_interest_fen + v.pi,
      paid_fee_fen = inst.paid_fee_fen + v.pf, paid_penalty_fen = inst.paid_penalty_fen + v.ppe,
      waived_principal_fen = inst.waived_principal_fen + v.wp, waived_interest_fen = inst.waived_interest_fen + v.wi,
      waived_fee_fen = inst.waived_fee_fen + v.wf, waived_penalty_fen = inst.waived_penalty_fen + v.wpe,
      settled_on = case
        when inst.principal_fen + inst.interest_fen + inst.fee_fen + inst.penalty_fen
           - inst.paid_principal_fen - inst.paid_interest_fen - inst.paid_fee_fen - inst.paid_penalty_fen
           - inst.waived_principal_fen - inst.waived_interest_fen - inst.waived_fee_fen - inst.waived_penalty_fen
           - v.pp - v.pi - v.pf - v.ppe - v.wp - v.wi - v.wf - v.wpe = 0
        then coalesce(inst.settled_on, ${on}::date) else null end
    from (
      select (r->>0)::uuid as c, (r->>1)::uuid as pl, (r->>2)::int as n,
        (r->>3)::bigint as pp, (r->>4)::bigint as pi, (r->>5)::bigint as pf, (r->>6)::bigint as ppe,
        (r->>7)::bigint as wp, (r->>8)::bigint as wi, (r->>9)::bigint as wf, (r->>10)::bigint as wpe
      from jsonb_array_elements(${rows}::jsonb) as r
    ) as v
    where inst.customer_id = v.c and inst.plan_id = v.pl and inst.number = v.n
      and inst.customer_id = any(${stableList(customers, 'uuid')})`;
}

/** A credit line change: principal repaid releases `used`, an overpayment adds to the credit balance. */
export interface CreditLineChange { customerId: string; usedDelta: Fen; creditBalanceDelta: Fen }

/** Credit line changes for many customers (whose rows the caller has locked), as one UPDATE fragment (index-driven, as above). */
export function creditLinesWrite(changes: readonly CreditLineChange[], at: Date): RawBuilder<unknown> {
  const rows = changes.filter((c) => c.usedDelta !== 0 || c.creditBalanceDelta !== 0).map((c) => [c.customerId, c.usedDelta, c.creditBalanceDelta]);
  return sql`
    update credit_lines as c set used_fen = c.used_fen + v.u, credit_balance_fen = c.credit_balance_fen + v.b, updated_at = ${at}::timestamptz
    from (select (r->>0)::uuid as id, (r->>1)::bigint as u, (r->>2)::bigint as b from jsonb_array_elements(${JSON.stringify(rows)}::jsonb) as r) as v
    where c.customer_id = v.id and c.customer_id = any(${stableList(rows.map((r) => String(r[0])), 'uuid')})`;
}

/** Plans of many customers marked paid off, as one UPDATE fragment. */
export function paidOffPlansWrite(plans: readonly { customerId: string; planId: string }[], on: BusinessDate, at: Date): RawBuilder<unknown> {
  const rows = JSON.stringify(plans.map((p) => [p.customerId, p.planId]));
  return sql`
    update plans set status = 'paid_off', closed_on = ${on}::date, updated_at = ${at}::timestamptz
    where customer_id = any(${stableList(plans.map((p) => p.customerId), 'uuid')})
      and (customer_id, id) in (select (r->>0)::uuid, (r->>1)::uuid from jsonb_array_elements(${rows}::jsonb) as r)`;
}

export interface OpenPlan { row: PlanRow; states: InstallmentState[] }

/**
 * Every active plan of the given customers with its installment states, in one query: plans
 * in (customer, created_at, id) order, installments by number. Read after the customers are
 * locked, in a statement of its own, so that under READ COMMITTED it sees what the previous
 * holder of the lock committed.
 */
export async function loadOpenPlans(tx: Tx, customerIds: readonly string[]): Promise<Map<string, OpenPlan[]>> {
  if (customerIds.length === 0) return new Map();
  return openPlansByCustomer((await openPlansQuery(customerIds).execute(tx)).rows);
}

export type OpenPlanRow = PlanRow & { installment_tuples: InstallmentTuple[] | null };

/**
 * The query behind loadOpenPlans, for a caller that sends it itself (see openPlansByCustomer).
 * Driven from the list of customers (a primary-key probe each), so its cost follows the batch,
 * not the number of active plans.
 */
export function openPlansQuery(customerIds: readonly string[]): RawBuilder<OpenPlanRow> {
  const ids = [...new Set(customerIds)];
  return sql<OpenPlanRow>`
    select p.*, ${installmentTuplesOfP} as installment_tuples
    from unnest(${ids}::uuid[]) as c(id) join plans as p on p.customer_id = c.id
    where p.status = 'active'
    order by p.customer_id, p.created_at, p.id`;
}

/** The installment states of plan `p` (aliased so), as one JSON array of InstallmentTuple: a scalar subquery for a select list. */
export const installmentTuplesOfP = sql<InstallmentTuple[] | null>`(
      select json_agg(json_build_array(i.number, i.due_date, i.principal_fen, i.interest_fen, i.fee_fen, i.penalty_fen,
        i.paid_principal_fen, i.paid_interest_fen, i.paid_fee_fen, i.paid_penalty_fen,
        i.waived_principal_fen, i.waived_interest_fen, i.waived_fee_fen, i.waived_penalty_fen) order by i.number)
      from installments as i where i.customer_id = p.customer_id and i.plan_id = p.id)`;

export function openPlansByCustomer(rows: readonly OpenPlanRow[]): Map<string, OpenPlan[]> {
  const byCustomer = new Map<string, OpenPlan[]>();
  for (const { installment_tuples: tuples, ...row } of rows) {
    const list = byCustomer.get(row.customer_id) ?? [];
    list.push({ row, states: (tuples ?? []).map(fromTuple) });
    byCustomer.set(row.customer_id, list);
  }
  return byCustomer;
}

export type InstallmentTuple = [number, string, number, number, number, number, number, number, number, number, number, number, number, number];

const fromTuple = (t: InstallmentTuple): InstallmentState => ({
  number: t[0], dueDate: t[1], principal: t[2], interest: t[3], fee: t[4], penalty: t[5],
  paid: { principal: t[6], interest: t[7], fee: t[8], penalty: t[9] },
  waived: { principal: t[10], interest: t[11], fee: t[12], penalty: t[13] },
});

export const planOutstanding = (states: InstallmentState[]): number => states.reduce((s, i) => s + outstandingTotal(i), 0);
