import type { BusinessDate } from '../../core/calendar/business-date.ts';
import { deriveLinkKey, verifyLink, type LinkTarget } from '../../core/links/repayment-link.ts';
import type { Fen } from '../../core/money/fen.ts';
import { DEFAULT_LOCALE, type Locale } from '../../core/notices/kinds.ts';
import { isLocale } from '../../core/notices/format.ts';
import type { BillStatus } from '../../core/billing/bill.ts';
import { getCustomerBill } from '../customers/views/customer-bills.ts';
import type { AppDeps } from '../deps.ts';
import { payPath } from './notice-content.ts';
import { noticeServicesOf } from './services.ts';

/**
 * What opening a repayment link shows. Only 'due' carries figures, and only of the customer
 * the link was signed for. Every other state says what to do next and nothing about anyone:
 * an expired link and a forged one look alike except for the offer of a new link, which is
 * sent to the phone on the account, never shown.
 */
export type RepaymentLinkView =
  | {
    status: 'due';
    locale: Locale;
    dueDate: BusinessDate;
    amountDueFen: Fen;
    lateChargesFen: Fen;
    daysPastDue: number;
    billStatus: BillStatus;
    /** Last four digits of the account's phone, so the customer can tell it is theirs. */
    phoneTail: string | null;
    payPath: string;
    expiresAt: Date;
  }
  /** Authentic and current, but the bill owes nothing (paid, returned): the link has done its job. */
  | { status: 'nothing_due'; locale: Locale }
  | { status: 'expired' }
  | { status: 'invalid' };

export async function openRepaymentLink(deps: AppDeps, token: string): Promise<RepaymentLinkView> {
  const verdict = verifyLink(deriveLinkKey(deps.secret), token, deps.clock.now());
  if (verdict.status === 'invalid') return { status: 'invalid' };
  if (verdict.status === 'expired') return verdict.target.kind === 'email' ? { status: 'invalid' } : { status: 'expired' };
  const due = await dueDateOf(deps, verdict.target);
  if (!due) return { status: 'invalid' };
  const customer = await deps.db.selectFrom('customers').leftJoin('notice_contacts', 'notice_contacts.customer_id', 'customers.id')
    .select(['customers.status', 'customers.phone', 'notice_contacts.locale']).where('customers.id', '=', verdict.target.customerId).executeTakeFirst();
  // A cancelled account's data is erased: its old links open on nothing.
  if (!customer || customer.status !== 'active') return { status: 'invalid' };
  const locale = isLocale(customer.locale) ? customer.locale : DEFAULT_LOCALE;
  const bill = await getCustomerBill(deps.db, verdict.target.customerId, due, await deps.calendar.today());
  if (!bill.ok || bill.value.outstanding === 0) return { status: 'nothing_due', locale };
  const b = bill.value;
  return {
    status: 'due', locale, dueDate: b.dueDate, amountDueFen: b.outstanding, lateChargesFen: b.lateChargesSoFar, daysPastDue: b.daysPastDue,
    billStatus: b.status, phoneTail: customer.phone ? customer.phone.slice(-4) : null,
    payPath: payPath(noticeServicesOf(deps).settings, b.dueDate), expiresAt: verdict.expiresAt,
  };
}

async function dueDateOf(deps: AppDeps, target: LinkTarget): Promise<BusinessDate | null> {
  if (target.kind === 'bill') return target.dueDate;
  if (target.kind !== 'installment') return null;
  const row = await deps.db.selectFrom('installments').select('due_date')
    .where('customer_id', '=', target.customerId).where('plan_id', '=', target.planId).where('number', '=', target.installmentNumber).executeTakeFirst();
  return row?.due_date ?? null;
}

/**
 * For the portal's own /r/:token (src/web, PortalOptions.resolveRepaymentLink): the pay page
 * a valid link with something due opens on, else null (the portal shows its not-found page).
 */
export async function resolveRepaymentLinkPath(deps: AppDeps, token: string): Promise<string | null> {
  const view = await openRepaymentLink(deps, token);
  return view.status === 'due' ? view.payPath : null;
}
