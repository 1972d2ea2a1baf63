import type { Component } from '../ledger/accounts.ts';
import { verticalSlots } from './order.ts';
import type { AllocationStrategy } from './types.ts';

export const PENALTY_FEE_INTEREST_PRINCIPAL: readonly Component[] = ['penalty', 'fee', 'interest', 'principal'];

/**
 * The default and the common Chinese lender order: the oldest installment first, and within
 * it charges before cost before capital, so the lender's income is collected first and what
 * stays unpaid is principal (which keeps accruing penalty on an overdue-principal rule).
 */
export const penaltyFeeInterestPrincipal: AllocationStrategy = {
  code: 'penalty-fee-interest-principal',
  nameZh: '先罚息费用后利息本金（逐期）',
  order: (installments) => verticalSlots(installments, PENALTY_FEE_INTEREST_PRINCIPAL),
};
