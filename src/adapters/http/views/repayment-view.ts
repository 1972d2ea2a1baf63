import { formatYuan } from '../../../core/money/parse.ts';
import type { PostedRepayment } from '../../../app/servicing/post-repayment.ts';
import type { PlanAllocation } from '../../../app/servicing/plan-allocation.ts';

const parts = (list: PlanAllocation[]) => list.map((p) => ({
  planId: p.planId,
  allocations: p.allocations.map((a) => ({ installmentNumber: a.installmentNumber, component: a.component, amount: formatYuan(a.amount) })),
}));

export function repaymentView(r: PostedRepayment) {
  return {
    id: r.repaymentId, kind: r.kind, status: 'posted' as const, amount: formatYuan(r.amount), applied: formatYuan(r.applied),
    toCreditBalance: formatYuan(r.toCreditBalance), charges: formatYuan(r.charges), businessDate: r.businessDate,
    plans: parts(r.parts), waived: parts(r.waived), paidOffPlanIds: r.paidOffPlanIds,
  };
}
