import type { Selectable } from 'kysely';
import type { NoticesTable } from '../../adapters/db/schema.ts';
import { daysBetween, type BusinessDate } from '../../core/calendar/business-date.ts';
import { shanghaiDateOf } from '../../core/calendar/shanghai.ts';
import type { LinkTarget } from '../../core/links/repayment-link.ts';
import { DEFAULT_LOCALE, isBillKind, overdueDaysOf, type Locale, type NoticeKind } from '../../core/notices/kinds.ts';
import { isLocale } from '../../core/notices/format.ts';
import type { NoticeFacts } from '../../core/notices/templates.ts';
import { getCustomerBills } from '../customers/views/customer-bills.ts';
import type { Bill } from '../../core/billing/bill.ts';
import type { AppDeps } from '../deps.ts';
import type { EventFacts } from './enqueue-notice.ts';
import type { NoticeSettings } from './ports.ts';

export type NoticeRow = Selectable<NoticesTable>;

/** Why a notice is not sent at all (recorded as its outcome). */
export type SkipReason = 'nothing_due' | 'customer_unreachable' | 'disabled' | 'plan_not_found' | 'stale';

export interface NoticeContent {
  locale: Locale;
  /** Everything the templates need except the link, which is signed per attempt. */
  facts: NoticeFacts;
  linkTarget: LinkTarget | null;
  /** Portal path the inbox copy's button opens (the portal's own session, no token). */
  actionPath: string | null;
  addresses: { sms: string | null; email: string | null };
}

/** What deciding a notice's content reads: the single path from the database, the batch path from its bulk read. */
export interface NoticeSources {
  customer(): Promise<{ phone: string | null; status: string } | undefined>;
  contact(): Promise<{ locale: string; email: string | null; email_verified_at: Date | null } | undefined>;
  /** Every bill of the customer, paid history included; null when they cannot be read. */
  bills(): Promise<Bill[] | null>;
  merchantOfPlan(planId: string): Promise<string | undefined>;
}

/**
 * Reads what a notice says at the moment it is sent. Amounts come from the bill now, not
 * from when the notice was queued: a customer who paid after the close queued "due today"
 * gets nothing (skipped: nothing_due) rather than a request to pay twice. Addresses come
 * from the customer row now too: a cancelled account (its phone erased) is unreachable, and
 * no copy of a phone number is kept on the notice.
 */
export async function loadNoticeContent(deps: AppDeps, settings: NoticeSettings, row: NoticeRow, today: BusinessDate): Promise<NoticeContent | { skip: SkipReason }> {
  const id = row.customer_id;
  return decideNoticeContent(deps, settings, row, {
    customer: () => deps.db.selectFrom('customers').select(['phone', 'status']).where('id', '=', id).executeTakeFirst(),
    contact: () => deps.db.selectFrom('notice_contacts').select(['locale', 'email', 'email_verified_at']).where('customer_id', '=', id).executeTakeFirst(),
    bills: async () => { const bills = await getCustomerBills(deps.db, id, today); return bills.ok ? bills.value : null; },
    merchantOfPlan: async (planId) => (await deps.db.selectFrom('plans').innerJoin('merchants', 'merchants.id', 'plans.merchant_id')
      .select('merchants.name').where('plans.customer_id', '=', id).where('plans.id', '=', planId).executeTakeFirst())?.name,
  });
}

/** The per-kind decisions, one place for both paths (loadNoticeContent and the batch's loadNoticeContents). */
export async function decideNoticeContent(deps: AppDeps, settings: NoticeSettings, row: NoticeRow, src: NoticeSources): Promise<NoticeContent | { skip: SkipReason }> {
  const customer = await src.customer();
  if (!customer || customer.status !== 'active') return { skip: 'customer_unreachable' };
  const contact = await src.contact();
  const locale: Locale = contact && isLocale(contact.locale) ? contact.locale : DEFAULT_LOCALE;
  const addresses = { sms: customer.phone, email: contact?.email && contact.email_verified_at ? contact.email : null };
  const kind = row.kind as NoticeKind;
  const facts = row.facts as EventFacts;
  const base = { locale, addresses };
  const billDue = async (dueDate: string | null) => (dueDate ? (await src.bills())?.find((b) => b.dueDate === dueDate) : undefined);
  const earliestOpen = async () => (await src.bills())?.find((b) => b.outstanding > 0);

  if (isBillKind(kind) || kind === 'repayment_link') {
    const b = await billDue(row.due_date);
    if (!b || b.outstanding === 0) return { skip: 'nothing_due' };
    const before = DAYS_BEFORE_DUE[kind];
    if (before !== undefined && daysBetween(shanghaiDateOf(deps.clock.now()), b.dueDate) !== before) return { skip: 'stale' };
    const days = overdueDaysOf(kind);
    return {
      ...base,
      facts: { amountFen: b.outstanding, dueDate: b.dueDate, lateChargesFen: b.lateChargesSoFar, ...(days !== null ? { daysOverdue: days } : {}) },
      linkTarget: { kind: 'bill', customerId: row.customer_id, dueDate: b.dueDate },
      actionPath: payPath(settings, b.dueDate),
    };
  }
  switch (kind) {
    case 'payment_received':
      return { ...base, facts: { amountFen: facts.amountFen!, paidOn: facts.paidOn! }, linkTarget: null, actionPath: null };
    case 'credit_line_changed':
      return { ...base, facts: { oldLimitFen: facts.oldLimitFen!, newLimitFen: facts.newLimitFen! }, linkTarget: null, actionPath: null };
    case 'plan_paid_off': {
      const name = row.plan_id ? await src.merchantOfPlan(row.plan_id) : undefined;
      if (name === undefined) return { skip: 'plan_not_found' };
      return { ...base, facts: { merchantName: name }, linkTarget: null, actionPath: null };
    }
    case 'repayment_entrance_changed': {
      // The link opens on the earliest bill still owing something, whatever the entrance does.
      const open = await earliestOpen();
      if (!open) return { skip: 'nothing_due' };
      return {
        ...base, facts: { entrance: facts.entrance!, effectiveDate: facts.effectiveDate!, dueDate: open.dueDate },
        linkTarget: { kind: 'bill', customerId: row.customer_id, dueDate: open.dueDate }, actionPath: payPath(settings, open.dueDate),
      };
    }
    case 'loan_transferred': {
      // Like an entrance change: the link opens on the earliest bill still owing something.
      const open = await earliestOpen();
      if (!open) return { skip: 'nothing_due' };
      return {
        ...base, facts: { lender: facts.lender!, effectiveDate: facts.effectiveDate! },
        linkTarget: { kind: 'bill', customerId: row.customer_id, dueDate: open.dueDate }, actionPath: payPath(settings, open.dueDate),
      };
    }
    case 'due_date_protected': {
      // The bill keeps its own due date as its name; a customer who paid it since is not told.
      const b = await billDue(row.due_date);
      if (!b || b.outstanding === 0) return { skip: 'nothing_due' };
      return {
        ...base, facts: { dueDate: row.due_date!, newDueDate: facts.newDueDate! },
        linkTarget: { kind: 'bill', customerId: row.customer_id, dueDate: row.due_date! }, actionPath: payPath(settings, row.due_date!),
      };
    }
    default:
      throw new Error(`no content loader for notice kind ${kind}`);
  }
}

/**
 * Reminders say "tomorrow" and "today" (and "in 3 days" by email): one that could not go out
 * on its day — held by retries, quiet hours or a late start — is dropped, not sent wrong.
 * Days are counted on the Shanghai calendar the customer reads it on, not the business date.
 */
const DAYS_BEFORE_DUE: Partial<Record<NoticeKind, number>> = { due_in_3_days: 3, due_tomorrow: 1, due_today: 0 };

export function payPath(settings: NoticeSettings, dueDate: BusinessDate): string {
  return settings.payPathTemplate.replace('{dueDate}', dueDate);
}

export const linkExpiryDate = (expiresAt: Date): BusinessDate => shanghaiDateOf(new Date(expiresAt.getTime() - 1));
