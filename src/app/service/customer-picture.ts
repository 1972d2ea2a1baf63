import type { Selectable } from 'kysely';
import type { NoticesTable } from '../../adapters/db/schema.ts';
import type { DomainError } from '../../core/errors.ts';
import type { CurrentBill } from '../../core/billing/current-bill.ts';
import { ok, type Result } from '../../core/result.ts';
import { customerSummary, type CustomerSummary } from '../admin/find-customers.ts';
import { audit } from '../audit.ts';
import type { Actor } from '../context.ts';
import { getCurrentBill } from '../customers/views/customer-bills.ts';
import type { AppDeps } from '../deps.ts';
import { whereToPay, type WhereToPay } from '../entrances/resolve-entrance.ts';
import { execute } from '../execute.ts';
import { autoDebitRecord, type AgreementRow, type AttemptRow } from '../payments/autodebit/agreements.ts';
import { listCustomerPayments } from '../payments/list-payments.ts';
import type { PaymentRow } from '../payments/payment-store.ts';
import { isInFlight } from '../../core/payments/payment-status.ts';
import { listCustomerTickets, type TicketWithSla } from './list-tickets.ts';
import { requireStaff, SERVICE_READ_ROLES } from './staff.ts';
import { serviceDb, type ApprovalRow } from './tables.ts';

export type NoticeRow = Pick<Selectable<NoticesTable>, 'id' | 'kind' | 'status' | 'business_date' | 'due_date' | 'plan_id' | 'sent_channel' | 'sent_at' | 'outcome' | 'created_at'>;

export interface CustomerPicture {
  summary: CustomerSummary;
  currentBill: CurrentBill;
  paymentsInFlight: PaymentRow[];
  recentPayments: PaymentRow[];
  autoDebit: { agreements: AgreementRow[]; attempts: AttemptRow[] };
  notices: NoticeRow[];
  tickets: TicketWithSla[];
  pendingApprovals: ApprovalRow[];
  /** Where the customer can pay right now, per open plan: the answer to "where do I pay?". */
  whereToPay: WhereToPay[];
}

const RECENT = 20;

/**
 * 客户全景: everything an agent needs to answer the customer on one screen, read through the
 * existing views (the admin summary, the customer's bill, payments, auto-debit record, the
 * entrance resolver) so the console shows exactly what the customer and operations see.
 * Looking is audited: it is a look at one person's finances.
 */
export async function customerPicture(deps: AppDeps, actor: Actor, customerId: string): Promise<Result<CustomerPicture, DomainError>> {
  const staff = requireStaff(actor, SERVICE_READ_ROLES);
  if (!staff.ok) return staff;
  const today = await deps.calendar.today();
  const now = deps.clock.now();
  const summary = await customerSummary(deps.db, customerId, today);
  if (!summary.ok) return summary;
  const bill = await getCurrentBill(deps.db, customerId, today);
  if (!bill.ok) return bill;
  const payments = await listCustomerPayments(deps.db, customerId, RECENT);
  const picture: CustomerPicture = {
    summary: summary.value, currentBill: bill.value,
    paymentsInFlight: payments.filter((p) => isInFlight(p.status)), recentPayments: payments,
    autoDebit: await autoDebitRecord(deps.db, customerId, RECENT),
    notices: await deps.db.selectFrom('notices')
      .select(['id', 'kind', 'status', 'business_date', 'due_date', 'plan_id', 'sent_channel', 'sent_at', 'outcome', 'created_at'])
      .where('customer_id', '=', customerId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(RECENT).execute(),
    tickets: await listCustomerTickets(deps.db, customerId, now),
    pendingApprovals: await serviceDb(deps.db).selectFrom('service_approvals').selectAll()
      .where('customer_id', '=', customerId).where('status', '=', 'pending').orderBy('created_at').execute(),
    whereToPay: await whereToPay(deps.db, customerId, now),
  };
  const logged = await execute(deps, actor, async (ctx) => { await audit(ctx, 'customer.view', `customer:${customerId}`, { view: 'service_picture' }); return ok(undefined); });
  if (!logged.ok) return logged;
  return ok(picture);
}
