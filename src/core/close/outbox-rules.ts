import { addDays, type BusinessDate } from '../calendar/business-date.ts';

/**
 * What the close of date D queues for later consumers. Everything is queued for the next
 * business day (sendOn = D + 1), the day it is acted on: a reminder the day an installment
 * falls due, an auto-debit on the due date and again on days 1 and 3 after it, overdue
 * notices on days 1, 3, 7, 15 and 30 (the schedule). Days are counted from the due
 * date to sendOn.
 */
export const REMINDER_DAYS_BEFORE_DUE = { due_in_3_days: 3, due_tomorrow: 1, due_today: 0 } as const;
export const AUTO_DEBIT_DAYS_AFTER_DUE = [0, 1, 3] as const;
export const OVERDUE_NOTICE_DAYS = [1, 3, 7, 15, 30] as const;

export type OutboxKind = keyof typeof REMINDER_DAYS_BEFORE_DUE | 'auto_debit' | `overdue_${(typeof OVERDUE_NOTICE_DAYS)[number]}`;

export interface OutboxItem { installmentNumber: number; kind: OutboxKind }

export const sendOnFor = (closeDate: BusinessDate): BusinessDate => addDays(closeDate, 1);

/** Kinds for an installment still owing principal, interest or fee, due `daysAfterDue` days before sendOn (negative: not yet due). */
export function outboxKindsFor(daysAfterDue: number): OutboxKind[] {
  const kinds: OutboxKind[] = [];
  for (const [kind, before] of Object.entries(REMINDER_DAYS_BEFORE_DUE)) if (-daysAfterDue === before) kinds.push(kind as OutboxKind);
  if ((AUTO_DEBIT_DAYS_AFTER_DUE as readonly number[]).includes(daysAfterDue)) kinds.push('auto_debit');
  if ((OVERDUE_NOTICE_DAYS as readonly number[]).includes(daysAfterDue)) kinds.push(`overdue_${daysAfterDue}` as OutboxKind);
  return kinds;
}

export const isOverdueKind = (kind: OutboxKind): boolean => kind.startsWith('overdue_');

/** Every (days after due) offset that queues something: the due dates the set-based step must look at. */
export function outboxOffsets(): number[] {
  const all = new Set<number>([...Object.values(REMINDER_DAYS_BEFORE_DUE).map((d) => -d), ...AUTO_DEBIT_DAYS_AFTER_DUE, ...OVERDUE_NOTICE_DAYS]);
  return [...all].sort((a, b) => a - b);
}
