import type { InstallmentState } from '../../core/servicing/installment-state.ts';
import { lockCustomer, loadInstallments, type PlanRow } from '../../adapters/db/plan-store.ts';
import type { Tx } from '../../adapters/db/tx.ts';

export interface BookPlan { row: PlanRow; states: InstallmentState[] }
export interface CustomerBook {
  line: NonNullable<Awaited<ReturnType<typeof lockCustomer>>>;
  plans: BookPlan[];
}

/**
 * Locks the customer (credit line row, first in the lock order) and loads their open plans
 * with installment states: everything a repayment, reversal or waiver needs to decide.
 * Returns undefined when the customer does not exist.
 */
export async function loadCustomerBook(tx: Tx, customerId: string, planIds?: string[]): Promise<CustomerBook | undefined> {
  const line = await lockCustomer(tx, customerId);
  if (!line) return undefined;
  let query = tx.selectFrom('plans').selectAll().where('customer_id', '=', customerId);
  query = planIds ? query.where('id', 'in', planIds) : query.where('status', '=', 'active');
  const rows = planIds && planIds.length === 0 ? [] : await query.orderBy('created_at').orderBy('id').execute();
  const states = await loadInstallments(tx, customerId, rows.map((r) => r.id));
  return { line, plans: rows.map((row) => ({ row, states: states.get(row.id) ?? [] })) };
}
