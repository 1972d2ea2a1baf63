import { sql } from 'kysely';
import type { Component } from '../../core/ledger/accounts.ts';
import type { Allocation, InstallmentState } from '../../core/servicing/installment-state.ts';
import { outstandingTotal } from '../../core/servicing/installment-state.ts';
import type { BusinessDate } from '../../core/calendar/business-date.ts';
import type { Tx } from './tx.ts';
import type { InstallmentsTable, PlansTable } from './schema.ts';
import type { Selectable } from 'kysely';

export type PlanRow = Selectable<PlansTable>;
export type InstallmentRow = Selectable<InstallmentsTable>;

/**
 * The lock order every money-moving write follows: the customer's credit line row first
 * (it is the customer's mutex), then plans, then installments. Two writers for one customer
 * queue on the first lock and can never deadlock or act on stale balances.
 */
export async function lockCustomer(tx: Tx, customerId: string) {
  return tx.selectFrom('credit_lines').selectAll().where('customer_id', '=', customerId).forUpdate().executeTakeFirst();
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
  const totals = new Map<number, Record<Component, number>>();
  for (const a of items) {
    const t = totals.get(a.installmentNumber) ?? { principal: 0, interest: 0, fee: 0, penalty: 0 };
    t[a.component] += a.amount * sign;
    totals.set(a.installmentNumber, t);
  }
  if (totals.size === 0) return;
  const values = sql.join([...totals].map(([n, t]) => sql`(${n}::int, ${t.principal}::bigint, ${t.interest}::bigint, ${t.fee}::bigint, ${t.penalty}::bigint)`));
  const col = (c: string) => sql.ref(`${column}_${c}_fen`);
  const [p, i, f, pe] = [col('principal'), col('interest'), col('fee'), col('penalty')];
  // SET expressions see the row before the update, so "outstanding after" is computed from the old values plus v.
  await sql`
    update installments as inst set
      ${p} = inst.${p} + v.p, ${i} = inst.${i} + v.i, ${f} = inst.${f} + v.f, ${pe} = inst.${pe} + v.pe,
      settled_on = case
        when inst.principal_fen + inst.interest_fen + inst.fee_fen + inst.penalty_fen
           - inst.paid_principal_fen - inst.paid_interest_fen - inst.paid_fee_fen - inst.paid_penalty_fen
           - inst.waived_principal_fen - inst.waived_interest_fen - inst.waived_fee_fen - inst.waived_penalty_fen
           - v.p - v.i - v.f - v.pe = 0
        then coalesce(inst.settled_on, ${on}::date) else null end
    from (values ${values}) as v(n, p, i, f, pe)
    where inst.customer_id = ${customerId} and inst.plan_id = ${planId} and inst.number = v.n`.execute(tx);
}

export const planOutstanding = (states: InstallmentState[]): number => states.reduce((s, i) => s + outstandingTotal(i), 0);
