import { sql } from 'kysely';
import type { BusinessDate } from '../../core/calendar/business-date.ts';
import { DEFAULT_PROTECTION_SETTINGS, parseProtectionSettings, type DateWindow, type ProtectionSettings } from '../../core/entrances/protection.ts';
import type { Db, Tx } from '../../adapters/db/tx.ts';
import type { TxContext } from '../context.ts';
import { queueNotice } from './continuity-notices.ts';

export type CauseKind = 'outage' | 'entrance_moved' | 'incident';
export interface Cause { kind: CauseKind; ref: string; window: DateWindow; detail: Record<string, unknown> }
export interface PlanRef { customerId: string; planId: string }

const SETTINGS_KEY = 'outage_protection';

/** The deployment's protection settings (system_state), or the defaults. */
export async function loadProtectionSettings(db: Db | Tx): Promise<ProtectionSettings> {
  const row = await db.selectFrom('system_state').select('value').where('key', '=', SETTINGS_KEY).executeTakeFirst();
  const parsed = row ? parseProtectionSettings(row.value as Record<string, unknown>) : null;
  return parsed?.ok ? parsed.value : DEFAULT_PROTECTION_SETTINGS;
}

export async function saveProtectionSettings(tx: Tx, s: ProtectionSettings, at: Date): Promise<void> {
  await sql`insert into system_state (key, value, updated_at) values (${SETTINGS_KEY}, ${JSON.stringify(s)}::jsonb, ${at})
            on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at`.execute(tx);
}

const BATCH = 1000;

/**
 * Protects the installments of these plans that the cause's window covers (still open, due
 * on or before the window's end, grace not over before it starts), in set-based batches.
 * Re-applying a cause only ever widens its window and pushes the extended date later, so the
 * daily close may run it every day an incident stays open. Each customer newly protected by
 * a cause gets one notice with the extended dates.
 */
export async function protectPlans(ctx: TxContext, cause: Cause, plans: readonly PlanRef[], s: ProtectionSettings): Promise<number> {
  let count = 0;
  for (let i = 0; i < plans.length; i += BATCH) {
    const batch = plans.slice(i, i + BATCH);
    const rows = await sql<{ customer_id: string; plan_id: string; installment_number: number; due_date: string; extended_due_date: string; inserted: boolean }>`
      insert into plan_protections (customer_id, plan_id, installment_number, cause_kind, cause_ref, due_date, window_from, window_to, extended_due_date, detail, created_at, updated_at)
      select i.customer_id, i.plan_id, i.number, ${cause.kind}, ${cause.ref}, i.due_date, ${cause.window.from}::date, ${cause.window.to}::date,
             greatest(i.due_date, ${cause.window.to}::date) + ${s.extensionDays}::int, ${JSON.stringify(cause.detail)}::jsonb, ${ctx.at}, ${ctx.at}
      from installments i join plans p on p.customer_id = i.customer_id and p.id = i.plan_id
      join (values ${sql.join(batch.map((r) => sql`(${r.customerId}::uuid, ${r.planId}::uuid)`))}) as v(customer_id, plan_id)
        on v.customer_id = i.customer_id and v.plan_id = i.plan_id
      where i.settled_on is null and i.due_date <= ${cause.window.to}::date and i.due_date + p.grace_days >= ${cause.window.from}::date
      on conflict (customer_id, plan_id, installment_number, cause_kind, cause_ref) do update set
        window_to = greatest(plan_protections.window_to, excluded.window_to),
        extended_due_date = greatest(plan_protections.extended_due_date, excluded.extended_due_date),
        updated_at = excluded.updated_at
      returning customer_id::text, plan_id::text, installment_number, due_date, extended_due_date, (xmax = 0) as inserted`.execute(ctx.tx);
    count += rows.rows.length;
    await noticeNewlyProtected(ctx, cause, rows.rows.filter((r) => r.inserted));
  }
  return count;
}

async function noticeNewlyProtected(ctx: TxContext, cause: Cause, rows: { customer_id: string; plan_id: string; installment_number: number; due_date: string; extended_due_date: string }[]) {
  const byCustomer = new Map<string, typeof rows>();
  for (const r of rows) byCustomer.set(r.customer_id, [...(byCustomer.get(r.customer_id) ?? []), r]);
  for (const [customerId, own] of byCustomer) {
    await queueNotice(ctx, customerId, 'due_date_protected', `protection:${cause.kind}:${cause.ref}`, {
      template: 'due_date_protected', cause: cause.kind, window: cause.window,
      message: '由于平台原因您可能无法按时还款：以下还款日已顺延，期间不收取任何逾期费用，不影响征信。Because of a problem on our side, these due dates are extended: no late charge, no overdue record.',
      installments: own.map((r) => ({ planId: r.plan_id, installmentNumber: r.installment_number, dueDate: r.due_date, extendedDueDate: r.extended_due_date })),
    }, protectedBills(own).map(([dueDate, newDueDate]) => ({
      kind: 'due_date_protected' as const, ref: `protection:${cause.kind}:${cause.ref}:${dueDate}`, dueDate, facts: { newDueDate },
    })));
  }
}

/** One message per bill (due date) however many installments of it were protected, with its latest new date. */
function protectedBills(rows: readonly { due_date: string; extended_due_date: string }[]): [BusinessDate, BusinessDate][] {
  const bills = new Map<BusinessDate, BusinessDate>();
  for (const r of rows) if ((bills.get(r.due_date) ?? '') < r.extended_due_date) bills.set(r.due_date, r.extended_due_date);
  // A window that ends before the due date extends nothing (extension 0): nothing to tell.
  return [...bills].filter(([due, extended]) => extended > due).sort(([a], [b]) => (a < b ? -1 : 1));
}

export interface Protection { planId: string; installmentNumber: number; dueDate: BusinessDate; extendedDueDate: BusinessDate; causes: { kind: CauseKind; ref: string; window: DateWindow }[] }

function fold(rows: { plan_id: string; installment_number: number; due_date: string; extended_due_date: string; cause_kind: CauseKind; cause_ref: string; window_from: string; window_to: string }[]): Protection[] {
  const out = new Map<string, Protection>();
  for (const r of rows) {
    const key = `${r.plan_id}#${r.installment_number}`;
    const p = out.get(key) ?? { planId: r.plan_id, installmentNumber: r.installment_number, dueDate: r.due_date, extendedDueDate: r.extended_due_date, causes: [] };
    if (r.extended_due_date > p.extendedDueDate) p.extendedDueDate = r.extended_due_date;
    p.causes.push({ kind: r.cause_kind, ref: r.cause_ref, window: { from: r.window_from, to: r.window_to } });
    out.set(key, p);
  }
  return [...out.values()];
}

const COLUMNS = ['plan_id', 'installment_number', 'due_date', 'extended_due_date', 'cause_kind', 'cause_ref', 'window_from', 'window_to'] as const;

/** A customer's protected due dates falling in [from, to], each with its latest extended due date and every cause. */
export async function protectedDueDates(db: Db | Tx, customerId: string, from: BusinessDate, to: BusinessDate): Promise<Protection[]> {
  const rows = await db.selectFrom('plan_protections').select(COLUMNS).where('customer_id', '=', customerId)
    .where('due_date', '>=', from).where('due_date', '<=', to).orderBy('due_date').orderBy('plan_id').orderBy('installment_number').execute();
  return fold(rows);
}

/** Is this plan's installment due on dueDate protected, and until when (the extended due date)? */
export async function isProtected(db: Db | Tx, customerId: string, planId: string, dueDate: BusinessDate): Promise<{ protected: boolean; extendedDueDate: BusinessDate | null; causes: Protection['causes'] }> {
  const rows = await db.selectFrom('plan_protections').select(COLUMNS).where('customer_id', '=', customerId).where('plan_id', '=', planId).where('due_date', '=', dueDate).execute();
  const p = fold(rows)[0];
  return p ? { protected: true, extendedDueDate: p.extendedDueDate, causes: p.causes } : { protected: false, extendedDueDate: null, causes: [] };
}

/**
 * For the daily close, per page of plans: plan id → installment number → extended due date
 * (the latest of its protections). The close uses the extended date in place of the due date
 * for late charges, days past due, overdue notices and credit reporting — not for income,
 * which is still earned on the contractual due date.
 */
export async function extendedDueDates(db: Db | Tx, plans: readonly PlanRef[]): Promise<Map<string, Map<number, BusinessDate>>> {
  const out = new Map<string, Map<number, BusinessDate>>();
  if (plans.length === 0) return out;
  const rows = await sql<{ plan_id: string; installment_number: number; extended: string }>`
    select pp.plan_id::text, pp.installment_number, max(pp.extended_due_date) as extended from plan_protections pp
    join (values ${sql.join(plans.map((r) => sql`(${r.customerId}::uuid, ${r.planId}::uuid)`))}) as v(customer_id, plan_id)
      on v.customer_id = pp.customer_id and v.plan_id = pp.plan_id
    group by 1, 2`.execute(db);
  for (const r of rows.rows) {
    const m = out.get(r.plan_id) ?? new Map<number, BusinessDate>();
    m.set(r.installment_number, r.extended);
    out.set(r.plan_id, m);
  }
  return out;
}
