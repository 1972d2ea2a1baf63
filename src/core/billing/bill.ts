import { addDays, daysBetween, type BusinessDate } from '../calendar/business-date.ts';
import { statementDateForDue } from '../calendar/billing-cycle.ts';
import { daysPastDueOfStates } from '../charges/delinquency.ts';
import { COMPONENTS } from '../ledger/accounts.ts';
import { sumFen, type Fen } from '../money/fen.ts';
import { invariant } from '../result.ts';
import { outstandingTotal, type InstallmentState } from '../servicing/installment-state.ts';

/**
 * 账单: a bill is a view, never a record. For one due date it gathers every installment of
 * the customer's plans due that day; every figure is summed from the installments' own
 * columns, so a bill cannot drift from the plans it describes. Because all of a customer's
 * installments fall on the customer's due day, one bill a month results.
 */
export interface BillablePlan {
  planId: string;
  description: string | null;
  terms: number;
  /** The plan's grace days (宽限期): the bill is overdue once any item is past its own plan's grace. */
  graceDays: number;
  installments: readonly InstallmentState[];
}

export interface BillingCycle { statementDay: number; dueDay: number }

export interface BillItem {
  planId: string;
  description: string | null;
  terms: number;
  graceDays: number;
  installment: InstallmentState;
  total: Fen;
  paid: Fen;
  waived: Fen;
  outstanding: Fen;
}

/**
 * `upcoming`: the statement is not made yet. `open`: made, not yet due. `due`: due today.
 * `in_grace`: past due, no item past its grace. `overdue`: some item past its grace.
 * `paid`: nothing outstanding (paid or waived), whatever the date.
 */
export const BILL_STATUSES = ['upcoming', 'open', 'due', 'in_grace', 'overdue', 'paid'] as const;
export type BillStatus = (typeof BILL_STATUSES)[number];

export interface Bill {
  statementDate: BusinessDate;
  dueDate: BusinessDate;
  items: BillItem[];
  /** Everything the items asked for, penalties posted so far included: total = paid + waived + outstanding. */
  total: Fen;
  paid: Fen;
  waived: Fen;
  outstanding: Fen;
  status: BillStatus;
  /** Whole days from asOf to the due date; null once the due date has passed. */
  daysUntilDue: number | null;
  /** 逾期天数 from the due date while principal, interest or fee is unpaid (penalty alone does not count); 0 otherwise. */
  daysPastDue: number;
  /**
   * Late charges (罚息 + 滞纳金) posted to the items so far, less any waived: what lateness has
   * cost this bill. The daily close posts them; a day not yet closed is not in here.
   */
  lateChargesSoFar: Fen;
}

const sumComponents = (r: InstallmentState['paid']): Fen => sumFen(COMPONENTS.map((c) => r[c]));

function itemOf(plan: BillablePlan, inst: InstallmentState): BillItem {
  const total = inst.principal + inst.interest + inst.fee + inst.penalty;
  const paid = sumComponents(inst.paid);
  const waived = sumComponents(inst.waived);
  const outstanding = outstandingTotal(inst);
  invariant(outstanding >= 0 && total === paid + waived + outstanding, `installment ${plan.planId}#${inst.number} adds up`);
  return { planId: plan.planId, description: plan.description, terms: plan.terms, graceDays: plan.graceDays, installment: inst, total, paid, waived, outstanding };
}

export function billStatus(dueDate: BusinessDate, statementDate: BusinessDate, items: readonly BillItem[], asOf: BusinessDate): BillStatus {
  const open = items.filter((i) => i.outstanding > 0);
  if (open.length === 0) return 'paid';
  if (asOf < statementDate) return 'upcoming';
  if (asOf < dueDate) return 'open';
  if (asOf === dueDate) return 'due';
  return open.some((i) => asOf > addDays(dueDate, i.graceDays)) ? 'overdue' : 'in_grace';
}

/** One bill from the items due on one date. */
export function billOf(dueDate: BusinessDate, items: BillItem[], cycle: BillingCycle, asOf: BusinessDate): Bill {
  invariant(items.length > 0 && items.every((i) => i.installment.dueDate === dueDate), 'a bill holds only items due on its date');
  const statementDate = statementDateForDue(dueDate, cycle.statementDay, cycle.dueDay);
  return {
    statementDate, dueDate, items,
    total: sumFen(items.map((i) => i.total)),
    paid: sumFen(items.map((i) => i.paid)),
    waived: sumFen(items.map((i) => i.waived)),
    outstanding: sumFen(items.map((i) => i.outstanding)),
    status: billStatus(dueDate, statementDate, items, asOf),
    daysUntilDue: asOf <= dueDate ? daysBetween(asOf, dueDate) : null,
    daysPastDue: daysPastDueOfStates(items.map((i) => i.installment), asOf),
    lateChargesSoFar: sumFen(items.map((i) => i.installment.penalty - i.installment.waived.penalty)),
  };
}

/**
 * Every bill of a customer, earliest due date first: each installment of each plan lands in
 * exactly one bill (the one for its due date). Items within a bill keep the plans' order.
 */
export function buildBills(plans: readonly BillablePlan[], cycle: BillingCycle, asOf: BusinessDate): Bill[] {
  const byDue = new Map<BusinessDate, BillItem[]>();
  for (const plan of plans) {
    for (const inst of plan.installments) {
      const items = byDue.get(inst.dueDate) ?? [];
      items.push(itemOf(plan, inst));
      byDue.set(inst.dueDate, items);
    }
  }
  return [...byDue.keys()].sort().map((due) => billOf(due, byDue.get(due)!, cycle, asOf));
}
