import { err, ok, type Result } from '../../../core/result.ts';
import { domainError, type DomainError } from '../../../core/errors.ts';
import type { BusinessDate } from '../../../core/calendar/business-date.ts';
import { buildBills, type Bill, type BillablePlan } from '../../../core/billing/bill.ts';
import { currentBill, type CurrentBill } from '../../../core/billing/current-bill.ts';
import { loadInstallments } from '../../../adapters/db/plan-store.ts';
import type { Db } from '../../../adapters/db/tx.ts';
import { readSnapshot } from './snapshot.ts';

/** Plans whose installments make bills: live ones, and paid-off ones for the history. Cancelled or refunded plans owe nothing and never did. */
const BILLED_PLAN_STATUSES = ['active', 'paid_off'] as const;

/**
 * Every bill of the customer as of `today`, derived afresh from the plans' installments on
 * each read (GUIDE: amounts are never a second copy that can drift).
 */
export async function getCustomerBills(db: Db, customerId: string, today: BusinessDate): Promise<Result<Bill[], DomainError>> {
  return readSnapshot(db, async (tx) => {
    const customer = await tx.selectFrom('customers').select(['statement_day', 'due_day']).where('id', '=', customerId).executeTakeFirst();
    if (!customer) return err(domainError('customer_not_found', 'no such customer'));
    const rows = await tx.selectFrom('plans').select(['id', 'description', 'terms', 'grace_days'])
      .where('customer_id', '=', customerId).where('status', 'in', BILLED_PLAN_STATUSES)
      .orderBy('created_at').orderBy('id').execute();
    const states = await loadInstallments(tx, customerId, rows.map((r) => r.id));
    const plans: BillablePlan[] = rows.map((r) => ({
      planId: r.id, description: r.description, terms: r.terms, graceDays: r.grace_days, installments: states.get(r.id) ?? [],
    }));
    return ok(buildBills(plans, { statementDay: customer.statement_day, dueDay: customer.due_day }, today));
  });
}

export async function getCustomerBill(db: Db, customerId: string, dueDate: BusinessDate, today: BusinessDate): Promise<Result<Bill, DomainError>> {
  const bills = await getCustomerBills(db, customerId, today);
  if (!bills.ok) return bills;
  const bill = bills.value.find((b) => b.dueDate === dueDate);
  return bill ? ok(bill) : err(domainError('bill_not_found', `no bill is due on ${dueDate}`, 'dueDate'));
}

export async function getCurrentBill(db: Db, customerId: string, today: BusinessDate): Promise<Result<CurrentBill, DomainError>> {
  const bills = await getCustomerBills(db, customerId, today);
  return bills.ok ? ok(currentBill(bills.value, today)) : bills;
}
