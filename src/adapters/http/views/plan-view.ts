import { formatYuan } from '../../../core/money/parse.ts';
import { outstandingOf, outstandingTotal, type InstallmentState } from '../../../core/servicing/installment-state.ts';
import type { BusinessDate } from '../../../core/calendar/business-date.ts';
import { addDays } from '../../../core/calendar/business-date.ts';
import type { PlanRow } from '../../db/plan-store.ts';

export type InstallmentStatus = 'paid' | 'upcoming' | 'due' | 'in_grace' | 'overdue' | 'waived';

/** Where an installment stands on a business date; derived, never stored. */
export function installmentStatus(i: InstallmentState, today: BusinessDate, graceDays: number): InstallmentStatus {
  if (outstandingTotal(i) === 0) {
    const paid = i.paid.principal + i.paid.interest + i.paid.fee + i.paid.penalty;
    return paid === 0 && i.principal + i.interest + i.fee > 0 ? 'waived' : 'paid';
  }
  if (today < i.dueDate) return 'upcoming';
  if (today === i.dueDate) return 'due';
  return today <= addDays(i.dueDate, graceDays) ? 'in_grace' : 'overdue';
}

export function installmentView(i: InstallmentState, today: BusinessDate, graceDays: number) {
  const paid = i.paid.principal + i.paid.interest + i.paid.fee + i.paid.penalty;
  return {
    number: i.number, dueDate: i.dueDate, principal: formatYuan(i.principal), interest: formatYuan(i.interest), fee: formatYuan(i.fee),
    penalty: formatYuan(i.penalty), total: formatYuan(i.principal + i.interest + i.fee + i.penalty), paid: formatYuan(paid),
    waived: formatYuan(i.waived.principal + i.waived.interest + i.waived.fee + i.waived.penalty),
    outstanding: formatYuan(outstandingTotal(i)), outstandingPrincipal: formatYuan(outstandingOf(i, 'principal')),
    status: installmentStatus(i, today, graceDays),
  };
}

export function planView(plan: PlanRow, installments: InstallmentState[], today: BusinessDate) {
  return {
    id: plan.id, customerId: plan.customer_id, merchantId: plan.merchant_id, merchantOrderId: plan.merchant_order_id,
    productId: plan.product_id, productVersion: plan.product_version, description: plan.description, status: plan.status,
    method: plan.method, terms: plan.terms, amount: formatYuan(plan.amount_fen), downPayment: formatYuan(plan.down_payment_fen),
    financed: formatYuan(plan.financed_fen), apr: plan.apr, rounding: plan.rounding, graceDays: plan.grace_days,
    startDate: plan.start_date, firstDueDate: plan.first_due_date, closedOn: plan.closed_on,
    outstanding: formatYuan(installments.reduce((s, i) => s + outstandingTotal(i), 0)),
    outstandingPrincipal: formatYuan(installments.reduce((s, i) => s + outstandingOf(i, 'principal'), 0)),
    installments: installments.map((i) => installmentView(i, today, plan.grace_days)),
  };
}
