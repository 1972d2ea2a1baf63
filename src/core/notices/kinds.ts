/**
 * The closed list of notice kinds. Codes are stable (stored on every notice row, used as
 * provider template keys and in deployment rules): add new ones, never rename one. The
 * reminder and overdue kinds carry the same names as the daily close's outbox kinds
 * (core/close/outbox-rules.ts), so a queued close item maps to a notice one to one.
 */
export const NOTICE_KINDS = [
  'bill_ready',
  'due_in_3_days',
  'due_tomorrow',
  'due_today',
  'auto_debit_failed',
  'payment_received',
  'overdue_1',
  'overdue_3',
  'overdue_7',
  'overdue_15',
  'overdue_30',
  'plan_paid_off',
  'credit_line_changed',
  'repayment_entrance_changed',
  /** A fresh repayment link the customer asked for from an expired one. */
  'repayment_link',
  /** A portfolio transfer moved the customer's plans to another funding partner: what changed and what did not. */
  'loan_transferred',
  /** A platform-side outage extended a due date (outage protection): the new date, no late charge. */
  'due_date_protected',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export const isNoticeKind = (value: unknown): value is NoticeKind => (NOTICE_KINDS as readonly unknown[]).includes(value);

/** Channels a notice can be pushed through, in a rule's fallback order. The inbox is not one: it is a copy, never a fallback. */
export const PUSH_CHANNELS = ['sms', 'email'] as const;
export type PushChannel = (typeof PUSH_CHANNELS)[number];

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';

/**
 * Kinds about one bill (all of a customer's installments due on one date). They are keyed
 * and worded per bill, not per plan: two plans due on the 10th give one reminder for the
 * bill's total, never two messages each naming half of it.
 */
const BILL_KINDS: ReadonlySet<NoticeKind> = new Set([
  'bill_ready', 'due_in_3_days', 'due_tomorrow', 'due_today', 'auto_debit_failed',
  'overdue_1', 'overdue_3', 'overdue_7', 'overdue_15', 'overdue_30',
]);
export const isBillKind = (kind: NoticeKind): boolean => BILL_KINDS.has(kind);

/** Days past due an overdue kind is sent on (overdue_7 → 7); null for other kinds. */
export function overdueDaysOf(kind: NoticeKind): number | null {
  const m = /^overdue_(\d+)$/.exec(kind);
  return m ? Number(m[1]) : null;
}

/**
 * Kinds that must be linked to the thing they are about. A notice for a bill names its due
 * date; one for a plan names the plan; events (a payment, a limit change, an announcement)
 * carry a reference so the same event is never announced twice.
 */
export type NoticeSubject = 'bill' | 'plan' | 'event';
export function subjectOf(kind: NoticeKind): NoticeSubject {
  if (isBillKind(kind)) return 'bill';
  return kind === 'plan_paid_off' ? 'plan' : 'event';
}
