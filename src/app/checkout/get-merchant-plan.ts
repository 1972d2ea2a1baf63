import { err, ok, type Result } from '../../core/result.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import type { BusinessDate } from '../../core/calendar/business-date.ts';
import type { InstallmentState } from '../../core/servicing/installment-state.ts';
import { toState, type PlanRow } from '../../adapters/db/plan-store.ts';
import type { Db, Tx } from '../../adapters/db/tx.ts';

export interface PlanWithSchedule { plan: PlanRow; installments: InstallmentState[]; today: BusinessDate }

/** A plan as its merchant may see it: another merchant's plan id is "not found", never "forbidden", so ids leak nothing. */
export async function getMerchantPlan(db: Db | Tx, merchantId: string, planId: string, today: BusinessDate): Promise<Result<PlanWithSchedule, DomainError>> {
  const order = await db.selectFrom('plans').selectAll().where('id', '=', planId).where('merchant_id', '=', merchantId).executeTakeFirst();
  if (!order) return err(domainError('plan_not_found', 'no plan with that id for this merchant', 'planId'));
  const rows = await db.selectFrom('installments').selectAll().where('customer_id', '=', order.customer_id).where('plan_id', '=', planId).orderBy('number').execute();
  return ok({ plan: order, installments: rows.map(toState), today });
}
