import type { Component } from '../ledger/accounts.ts';
import type { InstallmentState } from '../servicing/installment-state.ts';
import type { Slot } from './types.ts';

/** Oldest first: by due date, then by number (two installments may share a due date after a restructure). */
export function oldestFirst(installments: readonly InstallmentState[]): InstallmentState[] {
  return [...installments].sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.number - b.number));
}

/** Vertical order (纵向冲销): each installment in turn, its components in the given order. */
export function verticalSlots(installments: readonly InstallmentState[], components: readonly Component[]): Slot[] {
  return oldestFirst(installments).flatMap((inst) => components.map((component) => ({ installmentNumber: inst.number, component })));
}

/** Horizontal order (横向冲销): one component across all the installments, then the next component. */
export function horizontalSlots(installments: readonly InstallmentState[], components: readonly Component[]): Slot[] {
  const sorted = oldestFirst(installments);
  return components.flatMap((component) => sorted.map((inst) => ({ installmentNumber: inst.number, component })));
}
