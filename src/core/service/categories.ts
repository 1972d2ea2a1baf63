/**
 * Ticket categories (工单类别) with stable codes: the portal's help centre, the console's
 * queue filters and reports key on them, so a code is never renamed, only added.
 *
 * SLA minutes are wall-clock. The categories that stop a customer paying on time
 * (cannot find where to pay, a failed repayment, money taken but not recorded) are answered
 * within half an hour and resolved the same working day: every hour they wait is an hour
 * closer to a late charge the platform itself caused. Account cancellation follows the MIIT
 * rule for apps (注销 handled within 15 working days; 21 calendar days used here).
 */
export const TICKET_CATEGORIES = [
  'cannot_find_entrance', 'repayment_failed', 'debited_not_recorded', 'fee_dispute', 'refund', 'account_cancellation', 'other',
] as const;
export type TicketCategory = (typeof TICKET_CATEGORIES)[number];

export interface CategoryRule {
  code: TicketCategory;
  labelZh: string;
  labelEn: string;
  firstResponseMinutes: number;
  resolutionMinutes: number;
}

const HOUR = 60;
const DAY = 24 * HOUR;

export const CATEGORY_RULES: Record<TicketCategory, CategoryRule> = {
  cannot_find_entrance: { code: 'cannot_find_entrance', labelZh: '找不到还款入口', labelEn: 'Cannot find where to repay', firstResponseMinutes: 30, resolutionMinutes: 4 * HOUR },
  repayment_failed: { code: 'repayment_failed', labelZh: '还款失败', labelEn: 'Repayment failed', firstResponseMinutes: 30, resolutionMinutes: 4 * HOUR },
  debited_not_recorded: { code: 'debited_not_recorded', labelZh: '已扣款未入账', labelEn: 'Debited but not recorded', firstResponseMinutes: 30, resolutionMinutes: DAY },
  fee_dispute: { code: 'fee_dispute', labelZh: '费用争议', labelEn: 'Fee dispute', firstResponseMinutes: 4 * HOUR, resolutionMinutes: 3 * DAY },
  refund: { code: 'refund', labelZh: '退款', labelEn: 'Refund', firstResponseMinutes: 4 * HOUR, resolutionMinutes: 3 * DAY },
  account_cancellation: { code: 'account_cancellation', labelZh: '注销账户', labelEn: 'Account cancellation', firstResponseMinutes: DAY, resolutionMinutes: 21 * DAY },
  other: { code: 'other', labelZh: '其他', labelEn: 'Other', firstResponseMinutes: DAY, resolutionMinutes: 3 * DAY },
};

export const isTicketCategory = (v: unknown): v is TicketCategory => typeof v === 'string' && (TICKET_CATEGORIES as readonly string[]).includes(v);
