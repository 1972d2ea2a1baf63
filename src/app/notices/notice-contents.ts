import { daysBetween, type BusinessDate } from '../../core/calendar/business-date.ts';
import { shanghaiDateOf } from '../../core/calendar/shanghai.ts';
import { buildBills, type Bill, type BillablePlan } from '../../core/billing/bill.ts';
import { DEFAULT_LOCALE, isBillKind, overdueDaysOf, type Locale, type NoticeKind } from '../../core/notices/kinds.ts';
import { isLocale } from '../../core/notices/format.ts';
import { toState } from '../../adapters/db/plan-store.ts';
import { readSnapshot } from '../customers/views/snapshot.ts';
import type { AppDeps } from '../deps.ts';
import type { EventFacts } from './enqueue-notice.ts';
import { loadNoticeContent, payPath, type NoticeContent, type NoticeRow, type SkipReason } from './notice-content.ts';
import type { NoticeSettings } from './ports.ts';

export type LoadedContent = NoticeContent | { skip: SkipReason };

/** Plans whose installments make bills (as customer-bills.ts): live ones, and paid-off ones for the history. */
const BILLED_PLAN_STATUSES = ['active', 'paid_off'] as const;
const DAYS_BEFORE_DUE: Partial<Record<NoticeKind, number>> = { due_in_3_days: 3, due_tomorrow: 1, due_today: 0 };

/** The kinds read here in bulk; any other kind is read by loadNoticeContent, one notice at a time. */
const BULK_KINDS: ReadonlySet<string> = new Set(['payment_received', 'credit_line_changed', 'plan_paid_off', 'repayment_link']);
const inBulk = (kind: NoticeKind) => isBillKind(kind) || BULK_KINDS.has(kind);

/**
 * loadNoticeContent for a whole claimed batch, in a fixed handful of reads whatever its size:
 * customers, contacts, and — for the bill kinds — every plan and installment of the batch's
 * customers, in one snapshot. It says exactly what loadNoticeContent says for each notice
 * (test/notices/dispatch-batch.test.ts proves it on a simulated book); kinds that are rare
 * and read something else (announcements, transfers, protections) are handed to it.
 */
export async function loadNoticeContents(deps: AppDeps, settings: NoticeSettings, rows: readonly NoticeRow[], today: BusinessDate): Promise<Map<string, LoadedContent>> {
  const out = new Map<string, LoadedContent>();
  const bulk = rows.filter((r) => inBulk(r.kind as NoticeKind));
  if (bulk.length > 0) {
    const read = await readBatch(deps, bulk, today);
    for (const row of bulk) out.set(row.id, contentOf(deps, settings, row, read));
  }
  for (const row of rows) if (!out.has(row.id)) out.set(row.id, await loadNoticeContent(deps, settings, row, today));
  return out;
}

interface BatchRead {
  customers: Map<string, { phone: string | null; status: string; statementDay: number; dueDay: number }>;
  contacts: Map<string, { locale: string; email: string | null; email_verified_at: Date | null }>;
  bills: Map<string, Bill[]>;
  merchantOfPlan: Map<string, string>;
}

async function readBatch(deps: AppDeps, rows: readonly NoticeRow[], today: BusinessDate): Promise<BatchRead> {
  const customerIds = [...new Set(rows.map((r) => r.customer_id))];
  const billed = [...new Set(rows.filter((r) => isBillKind(r.kind as NoticeKind) || r.kind === 'repayment_link').map((r) => r.customer_id))];
  const paidOff = rows.filter((r) => r.kind === 'plan_paid_off' && r.plan_id);
  return readSnapshot(deps.db, async (tx) => {
    const customers = await tx.selectFrom('customers').select(['id', 'phone', 'status', 'statement_day', 'due_day']).where('id', 'in', customerIds).execute();
    const contacts = await tx.selectFrom('notice_contacts').select(['customer_id', 'locale', 'email', 'email_verified_at']).where('customer_id', 'in', customerIds).execute();
    const read: BatchRead = {
      customers: new Map(customers.map((c) => [c.id, { phone: c.phone, status: c.status, statementDay: c.statement_day, dueDay: c.due_day }])),
      contacts: new Map(contacts.map((c) => [c.customer_id, c])), bills: new Map(), merchantOfPlan: new Map(),
    };
    if (billed.length > 0) {
      const plans = await tx.selectFrom('plans').select(['customer_id', 'id', 'description', 'terms', 'grace_days'])
        .where('customer_id', 'in', billed).where('status', 'in', BILLED_PLAN_STATUSES)
        .orderBy('customer_id').orderBy('created_at').orderBy('id').execute();
      const installments = plans.length === 0 ? [] : await tx.selectFrom('installments').selectAll()
        .where('customer_id', 'in', billed).where('plan_id', 'in', plans.map((p) => p.id)).orderBy('plan_id').orderBy('number').execute();
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

/** The same decisions, in the same order, as loadNoticeContent, from what readBatch read. */
function contentOf(deps: AppDeps, settings: NoticeSettings, row: NoticeRow, read: BatchRead): LoadedContent {
  const customer = read.customers.get(row.customer_id);
  if (!customer || customer.status !== 'active') return { skip: 'customer_unreachable' };
  const contact = read.contacts.get(row.customer_id);
  const locale: Locale = contact && isLocale(contact.locale) ? contact.locale : DEFAULT_LOCALE;
  const addresses = { sms: customer.phone, email: contact?.email && contact.email_verified_at ? contact.email : null };
  const kind = row.kind as NoticeKind;
  const facts = row.facts as EventFacts;
  const base = { locale, addresses };

  if (isBillKind(kind) || kind === 'repayment_link') {
    const bill = row.due_date ? read.bills.get(row.customer_id)?.find((b) => b.dueDate === row.due_date) : undefined;
    if (!bill || bill.outstanding === 0) return { skip: 'nothing_due' };
    const before = DAYS_BEFORE_DUE[kind];
    if (before !== undefined && daysBetween(shanghaiDateOf(deps.clock.now()), bill.dueDate) !== before) return { skip: 'stale' };
    const days = overdueDaysOf(kind);
    return {
      ...base,
      facts: { amountFen: bill.outstanding, dueDate: bill.dueDate, lateChargesFen: bill.lateChargesSoFar, ...(days !== null ? { daysOverdue: days } : {}) },
      linkTarget: { kind: 'bill', customerId: row.customer_id, dueDate: bill.dueDate },
      actionPath: payPath(settings, bill.dueDate),
    };
  }
  switch (kind) {
    case 'payment_received':
      return { ...base, facts: { amountFen: facts.amountFen!, paidOn: facts.paidOn! }, linkTarget: null, actionPath: null };
    case 'credit_line_changed':
      return { ...base, facts: { oldLimitFen: facts.oldLimitFen!, newLimitFen: facts.newLimitFen! }, linkTarget: null, actionPath: null };
    case 'plan_paid_off': {
      const name = row.plan_id ? read.merchantOfPlan.get(`${row.customer_id}:${row.plan_id}`) : undefined;
      if (name === undefined) return { skip: 'plan_not_found' };
      return { ...base, facts: { merchantName: name }, linkTarget: null, actionPath: null };
    }
    default:
      throw new Error(`no bulk content loader for notice kind ${kind}`);
  }
}
