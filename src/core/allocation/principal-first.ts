import type { Component } from '../ledger/accounts.ts';
import { verticalSlots } from './order.ts';
import type { AllocationStrategy } from './types.ts';

export const PRINCIPAL_INTEREST_FEE_PENALTY: readonly Component[] = ['principal', 'interest', 'fee', 'penalty'];

/**
 * Customer-friendly order: the oldest installment first, principal before charges, so a
 * partial payment shrinks the base that penalty interest accrues on. Some regulators and
 * hardship programmes (协商还款) ask for it.
 */
export const principalFirst: AllocationStrategy = {
  code: 'principal-first',
  nameZh: '先本后息（逐期）',
  order: (installments) => verticalSlots(installments, PRINCIPAL_INTEREST_FEE_PENALTY),
};
