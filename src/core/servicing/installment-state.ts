import type { Fen } from '../money/fen.ts';
import type { BusinessDate } from '../calendar/business-date.ts';
import type { Component } from '../ledger/accounts.ts';

/**
 * An installment as servicing sees it: what the schedule asked for, what has been charged
 * since (penalties), what was paid and what was waived, per component. Outstanding amounts
 * are always derived (due − paid − waived), never stored as a second copy that can drift.
 */
export interface InstallmentState {
  number: number;
  dueDate: BusinessDate;
  principal: Fen;
  interest: Fen;
  fee: Fen;
  /** Penalty interest and late fees charged so far (罚息 + 滞纳金). */
  penalty: Fen;
  paid: Record<Component, Fen>;
  waived: Record<Component, Fen>;
}

export const zeroComponents = (): Record<Component, Fen> => ({ principal: 0, interest: 0, fee: 0, penalty: 0 });

export function dueOf(inst: InstallmentState, component: Component): Fen {
  return component === 'principal' ? inst.principal : component === 'interest' ? inst.interest : component === 'fee' ? inst.fee : inst.penalty;
}

export function outstandingOf(inst: InstallmentState, component: Component): Fen {
  return dueOf(inst, component) - inst.paid[component] - inst.waived[component];
}

export function outstandingTotal(inst: InstallmentState): Fen {
  return outstandingOf(inst, 'principal') + outstandingOf(inst, 'interest') + outstandingOf(inst, 'fee') + outstandingOf(inst, 'penalty');
}

export function isSettled(inst: InstallmentState): boolean {
  return outstandingTotal(inst) === 0;
}

/** One slice of a payment applied to one component of one installment. */
export interface Allocation {
  installmentNumber: number;
  component: Component;
  amount: Fen;
}
