import type { BusinessDate } from '../../core/calendar/business-date.ts';
import { buildBills, type Bill, type BillablePlan } from '../../core/billing/bill.ts';
import { isBillKind, type NoticeKind } from '../../core/notices/kinds.ts';
import { toState } from '../../adapters/db/plan-store.ts';
import { readSnapshot } from '../customers/views/snapshot.ts';
import type { AppDeps } from '../deps.ts';
import { decideNoticeContent, loadNoticeContent, type NoticeContent, type NoticeRow, type SkipReason } from './notice-content.ts';
import type { NoticeSettings } from './ports.ts';

export type LoadedContent = NoticeContent | { skip: SkipReason };

/** Plans whose installments make bills (as customer-bills.ts): live ones, and paid-off ones for the history. */
const BILLED_PLAN_STATUSES = ['active', 'paid_off'] as const;

/** The kinds read here in bulk; any other kind is read by loadNoticeContent, one notice at a time. */
const BULK_KINDS: ReadonlySet<string> = new Set(['payment_received', 'credit_line_changed', 'plan_paid_off', 'repayment_link']);
const inBulk = (kind: NoticeKind) => isBillKind(kind) || BULK_KINDS.has(kind);

/**
 * loadNoticeContent for a whole claimed batch, in a fixed handful of reads whatever its size:
 * customers, contacts, and — for the bill kinds — every plan and installment of the batch's
 * customers, in one snapshot. The decisions are loadNoticeContent's own (decideNoticeContent);
 * test/notices/dispatch-batch.test.ts checks the reads agree on a simulated book; kinds that are rare
 * and read something else (announcements, transfers, protections) are handed to it.
 */
export async function loadNoticeContents(deps: AppDeps, settings: NoticeSettings, rows: readonly NoticeRow[], today: BusinessDate): Promise<Map<string, LoadedContent>> {
  const out = new Map<string, LoadedContent>();
  const bulk = rows.filter((r) => inBulk(r.kind as NoticeKind));
  if (bulk.length > 0) {
    const read = await readBatch(deps, bulk, today);
    for (const row of bulk) out.set(row.id, await contentOf(deps, settings, row, read));
  }
  for (const row of rows) if (!out.has(row.id)) out.set(row.id, await loadNoticeContent(deps, settings, row, today));
  return out;
}

interface BatchRead {
  customers: Map<string, { phone: string | null; status: string; statementDay: number; dueDay: number }>;
  contacts: Map<string, { locale: string; email: string | null; email_verified_at: Date | null }>;
  /** Per customer, the bills due on the batch's due dates only (enough for the bulk kinds, which never ask for the earliest open bill). */
  bills: Map<string, Bill[]>;
  merchantOfPlan: Map<string, string>;
}

async function readBatch(deps: AppDeps, rows: readonly NoticeRow[], today: BusinessDate): Promise<BatchRead> {
  const customerIds = [...new Set(rows.map((r) => r.customer_id))];
  const billRows = rows.filter((r) => isBillKind(r.kind as NoticeKind) || r.kind === 'repayment_link');
  const billed = [...new Set(billRows.map((r) => r.customer_id))];
  // The bulk kinds look up one bill each, by its due date (decideNoticeContent's billDue): only
  // the installments due on the batch's due dates are read, not every customer's whole history.
  const dueDates = [...new Set(billRows.map((r) => r.due_date).filter((d): d is BusinessDate => d !== null))];
  const paidOff = rows.filter((r) => r.kind === 'plan_paid_off' && r.plan_id);
  return readSnapshot(deps.db, async (tx) => {
    const customers = await tx.selectFrom('customers').select(['id', 'phone', 'status', 'statement_day', 'due_day']).where('id', 'in', customerIds).execute();
    const contacts = await tx.selectFrom('notice_contacts').select(['customer_id', 'locale', 'email', 'email_verified_at']).where('customer_id', 'in', customerIds).execute();
    const read: BatchRead = {
      customers: new Map(customers.map((c) => [c.id, { phone: c.phone, status: c.status, statementDay: c.statement_day, dueDay: c.due_day }])),
      contacts: new Map(contacts.map((c) => [c.customer_id, c])), bills: new Map(), merchantOfPlan: new Map(),
    };
    if (billed.length > 0 && dueDates.length > 0) {
      const plans = await tx.selectFrom('plans').select(['customer_id', 'id', 'description', 'terms', 'grace_days'])
        .where('customer_id', 'in', billed).where('status', 'in', BILLED_PLAN_STATUSES)
        .orderBy('customer_id').orderBy('created_at').orderBy('id').execute();
      const installments = plans.length === 0 ? [] : await tx.selectFrom('installments').selectAll()
        .where('customer_id', 'in', billed).where('plan_id', 'in', plans.map((p) => p.id)).where('due_date', 'in', dueDates)
        .orderBy('plan_id').orderBy('number').execute();
      const states = new Map<string, ReturnType<typeof toState>[]>(plans.map((p) => [p.id, []]));
      for (const i of installments) states.get(i.plan_id)?.push(toState(i));
      const byCustomer = new Map<string, BillablePlan[]>();
      for (const p of plans) {
        const list = byCustomer.get(p.customer_id) ?? [];
        list.push({ planId: p.id, description: p.description, terms: p.terms, graceDays: p.grace_days, installments: states.get(p.id) ?? [] });
        byCustomer.set(p.customer_id, list);
      }
      for (const id of billed) {
        const c = read.customers.get(id);
        if (c) read.bills.set(id, buildBills(byCustomer.get(id) ?? [], { statementDay: c.statementDay, dueDay: c.dueDay }, today));
      }
    }
    if (paidOff.length > 0) {
      const names = await tx.selectFrom('plans').innerJoin('merchants', 'merchants.id', 'plans.merchant_id')
        .select(['plans.customer_id', 'plans.id', 'merchants.name']).where('plans.customer_id', 'in', [...new Set(paidOff.map((r) => r.customer_id))])
        .where('plans.id', 'in', paidOff.map((r) => r.plan_id!)).execute();
      for (const n of names) read.merchantOfPlan.set(`${n.customer_id}:${n.id}`, n.name);
    }
    return read;
  });
}

/** loadNoticeContent's decisions (decideNoticeContent), fed from what readBatch read instead of the database. */
function contentOf(deps: AppDeps, settings: NoticeSettings, row: NoticeRow, read: BatchRead): Promise<LoadedContent> {
  const id = row.customer_id;
  return decideNoticeContent(deps, settings, row, {
    customer: async () => read.customers.get(id),
    contact: async () => read.contacts.get(id),
    bills: async () => read.bills.get(id) ?? null,
    merchantOfPlan: async (planId) => read.merchantOfPlan.get(`${id}:${planId}`),
  });
}
