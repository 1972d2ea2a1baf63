import { verticalSlots, horizontalSlots } from './order.ts';
import { PENALTY_FEE_INTEREST_PRINCIPAL } from './penalty-fee-interest-principal.ts';
import type { AllocationStrategy } from './types.ts';

/**
 * Horizontal (横向) order, as card issuers use across statements: among installments due on
 * or before asOf, all penalties oldest first, then all fees, all interest, all principal.
 * Whatever is left prepays the future installments vertically, in schedule order.
 */
export const horizontal: AllocationStrategy = {
  code: 'horizontal',
  nameZh: '横向冲销（先清所有到期罚息、费用、利息，再本金）',
  order(installments, asOf) {
    const due = installments.filter((i) => i.dueDate <= asOf);
    const future = installments.filter((i) => i.dueDate > asOf);
    return [...horizontalSlots(due, PENALTY_FEE_INTEREST_PRINCIPAL), ...verticalSlots(future, PENALTY_FEE_INTEREST_PRINCIPAL)];
  },
};
