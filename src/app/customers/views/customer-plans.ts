import { err, ok, type Result } from '../../../core/result.ts';
import { domainError, type DomainError } from '../../../core/errors.ts';
import type { BusinessDate } from '../../../core/calendar/business-date.ts';
import type { InstallmentState } from '../../../core/servicing/installment-state.ts';
import { loadInstallments, type PlanRow } from '../../../adapters/db/plan-store.ts';
import type { Db, Tx } from '../../../adapters/db/tx.ts';
import { readSnapshot } from './snapshot.ts';

export type PlanStatus = PlanRow['status'];
export interface CustomerPlan { plan: PlanRow; merchantName: string; installments: InstallmentState[] }
export interface CustomerPlans { plans: CustomerPlan[]; today: BusinessDate }

async function withSchedules(tx: Tx, customerId: string, rows: (PlanRow & { merchant_name: string })[]): Promise<CustomerPlan[]> {
  const states = await loadInstallments(tx, customerId, rows.map((r) => r.id));
  return rows.map(({ merchant_name, ...plan }) => ({ plan, merchantName: merchant_name, installments: states.get(plan.id) ?? [] }));
}

function plansOf(tx: Tx, customerId: string) {
  return tx.selectFrom('plans').innerJoin('merchants', 'merchants.id', 'plans.merchant_id')
    .selectAll('plans').select('merchants.name as merchant_name').where('plans.customer_id', '=', customerId);
}

/** The customer's plans, newest first, optionally of one status. */
export async function listCustomerPlans(db: Db, customerId: string, today: BusinessDate, status?: PlanStatus): Promise<CustomerPlans> {
  return readSnapshot(db, async (tx) => {
    let query = plansOf(tx, customerId);
    if (status) query = query.where('plans.status', '=', status);
    const rows = await query.orderBy('plans.created_at', 'desc').orderBy('plans.id', 'desc').execute();
    return { plans: await withSchedules(tx, customerId, rows), today };
  });
}

/**
 * One of the customer's own plans. Every query is keyed by the customer first, so another
 * customer's plan id is "not found" exactly like an id that never existed: ids leak nothing.
 */
export async function getCustomerPlan(db: Db, customerId: string, planId: string): Promise<Result<CustomerPlan, DomainError>> {
  return readSnapshot(db, async (tx) => {
    const row = await plansOf(tx, customerId).where('plans.id', '=', planId).executeTakeFirst();
    if (!row) return err(domainError('plan_not_found', 'no plan with that id', 'planId'));
    return ok((await withSchedules(tx, customerId, [row]))[0]!);
  });
}
