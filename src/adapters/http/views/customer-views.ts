import { formatYuan } from '../../../core/money/parse.ts';
import type { Component } from '../../../core/ledger/accounts.ts';
import type { Fen } from '../../../core/money/fen.ts';
import type { BusinessDate } from '../../../core/calendar/business-date.ts';
import type { Bill } from '../../../core/billing/bill.ts';
import type { CurrentBill } from '../../../core/billing/current-bill.ts';
import type { CustomerCreditLine } from '../../../app/customers/views/credit-line.ts';
import type { CustomerPlan } from '../../../app/customers/views/customer-plans.ts';
import type { CustomerPayoffQuote } from '../../../app/customers/views/payoff-quote.ts';
import { encodeCursor, type AllocationLine, type RepaymentPage } from '../../../app/customers/views/repayment-history.ts';
import { installmentStatus, planView } from './plan-view.ts';
import { contractView, earlyPayoffWords } from './customer-contract.ts';

/** Turns the customer's read models into API bodies: money as yuan strings, dates as they are. */

const components = (r: Record<Component, Fen>) => ({
  principal: formatYuan(r.principal), interest: formatYuan(r.interest), fee: formatYuan(r.fee), penalty: formatYuan(r.penalty),
});

export function creditLineView(l: CustomerCreditLine) {
  return {
    total: formatYuan(l.limit), used: formatYuan(l.used), available: formatYuan(l.available),
    frozen: l.frozen, frozenReason: l.frozenReason, creditBalance: formatYuan(l.creditBalance),
  };
}

export function customerPlanView(p: CustomerPlan, today: BusinessDate) {
  return { ...planView(p.plan, p.installments, today), merchantName: p.merchantName, contract: contractView(p.plan) };
}

export function billView(b: Bill, today: BusinessDate) {
  return {
    statementDate: b.statementDate, dueDate: b.dueDate, status: b.status,
    total: formatYuan(b.total), paid: formatYuan(b.paid), waived: formatYuan(b.waived), outstanding: formatYuan(b.outstanding),
    daysUntilDue: b.daysUntilDue, daysPastDue: b.daysPastDue, lateChargesSoFar: formatYuan(b.lateChargesSoFar),
    items: b.items.map((i) => {
      const s = i.installment;
      return {
        planId: i.planId, description: i.description, installmentNumber: s.number, terms: i.terms,
        principal: formatYuan(s.principal), interest: formatYuan(s.interest), fee: formatYuan(s.fee), penalty: formatYuan(s.penalty),
        total: formatYuan(i.total), paid: formatYuan(i.paid), waived: formatYuan(i.waived), outstanding: formatYuan(i.outstanding),
        status: installmentStatus(s, today, i.graceDays),
      };
    }),
  };
}

export function currentBillView(c: CurrentBill, today: BusinessDate) {
  return {
    asOf: today, bill: c.bill ? billView(c.bill, today) : null,
    pastDue: {
      outstanding: formatYuan(c.pastDue.outstanding), lateChargesSoFar: formatYuan(c.pastDue.lateChargesSoFar),
      daysPastDue: c.pastDue.daysPastDue, bills: c.pastDue.bills.map((b) => billView(b, today)),
    },
    totalToPay: formatYuan(c.totalToPay),
  };
}

/** Allocation lines grouped per plan, in the shape the repayment endpoint answers with. */
function byPlan(lines: AllocationLine[]) {
  const plans = new Map<string, { installmentNumber: number; component: Component; amount: string }[]>();
  for (const l of lines) {
    const list = plans.get(l.planId) ?? [];
    list.push({ installmentNumber: l.installmentNumber, component: l.component, amount: formatYuan(l.amount) });
    plans.set(l.planId, list);
  }
  return [...plans].map(([planId, allocations]) => ({ planId, allocations }));
}

export function repaymentPageView(page: RepaymentPage) {
  return {
    items: page.items.map((r) => ({
      id: r.id, kind: r.kind, amount: formatYuan(r.amount), applied: formatYuan(r.applied), toCreditBalance: formatYuan(r.toCreditBalance),
      charges: formatYuan(r.charges), channel: r.channel, status: r.status, businessDate: r.businessDate, createdAt: r.createdAt.toISOString(),
      reversedAt: r.reversedAt?.toISOString() ?? null, reversalReason: r.reversalReason, plans: byPlan(r.allocations), waived: byPlan(r.waived),
    })),
    nextCursor: page.next ? encodeCursor(page.next) : null,
  };
}

export function payoffQuoteView(p: CustomerPayoffQuote) {
  const q = p.quote;
  return {
    planId: p.plan.plan.id, validOn: p.validOn, collect: components(q.collect), earlyRepaymentFee: formatYuan(q.earlyRepaymentFee),
    total: formatYuan(q.total), waived: components(q.waived), waivedTotal: formatYuan(q.waivedTotal), prepaidPrincipal: formatYuan(q.prepaidPrincipal),
    scheduleRemaining: formatYuan(q.scheduleRemaining), saves: formatYuan(q.saves), policy: earlyPayoffWords(p.policy, p.plan.plan),
    lines: q.lines.map((l) => ({ installmentNumber: l.installmentNumber, dueDate: l.dueDate, status: l.status, collect: components(l.collect), waive: components(l.waive) })),
  };
}
