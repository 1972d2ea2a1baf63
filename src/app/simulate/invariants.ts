import { sql } from 'kysely';
import type { Persona } from '../../core/simulate/behaviour.ts';
import type { InvariantResult } from '../../core/simulate/report.ts';
import type { Db } from '../../adapters/db/tx.ts';
import { checkLedger } from '../check-ledger.ts';
import { reconcileSettlement } from '../partners/reconcile-settlement.ts';
import type { NoticeCapture } from './capture-notices.ts';

export interface InvariantInputs {
  capture: NoticeCapture;
  /** Customer ids by persona: on-time payers must never be overdue, whatever the platform did. */
  customersByPersona: ReadonlyMap<Persona, readonly string[]>;
  /** Business dates the run closed. */
  closedDates: number;
  /** Filled, if given, with partner id → days whose settlement file reconciles to the ledger. */
  reconciledDays?: Map<string, number>;
}

const result = (name: string, checked: number, failures: string[]): InvariantResult => ({ name, ok: failures.length === 0, checked, failures: failures.slice(0, 20) });

/**
 * Every invariant the report states, computed from the database (and the capture of what
 * was sent), never from the simulator's own bookkeeping: a corrupted posting or a notice
 * sent twice must show up here.
 */
export async function checkInvariants(db: Db, inputs: InvariantInputs): Promise<InvariantResult[]> {
  const books = await checkLedger(db);
  const f = books.failures;
  return [
    result('ledger balanced (debits = credits, no empty entry)', books.counts.entries, [...f.unbalanced, ...f.emptyEntries]),
    result('each plan\'s sub-ledger = schedule − allocations − waivers', books.counts.plans, [...f.planSubLedger, ...f.allocations, ...f.waivers]),
    result('credit lines used = outstanding principal; credit balances = ledger', await count(db, 'credit_lines'), [...f.creditLines, ...f.creditBalances]),
    await noNoticeTwice(db, inputs.capture),
    await settlementsReconcile(db, inputs.reconciledDays ?? new Map()),
    await closesComplete(db, inputs.closedDates),
    await onTimePayersNeverOverdue(db, inputs.customersByPersona),
  ];
}

async function count(db: Db, table: 'credit_lines' | 'partner_settlements'): Promise<number> {
  const r = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** At most one delivery per notice (any channel), at most one message per dedup key, as recorded and as captured. */
async function noNoticeTwice(db: Db, capture: NoticeCapture): Promise<InvariantResult> {
  // The in-app inbox copy is its own delivery row; a push channel (SMS or email) may succeed once per notice.
  const twice = await sql<{ notice_id: string; n: number; inbox: boolean }>`
    select notice_id::text, channel = 'inbox' as inbox, count(*)::int as n from notice_deliveries where status = 'sent'
    group by notice_id, channel = 'inbox' having count(*) > 1 limit 20`.execute(db);
  const notices = await db.selectFrom('notices').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return result('no notice sent twice', Number(notices.n) + capture.byDedupKey.size,
    [...twice.rows.map((r) => `notice ${r.notice_id} has ${r.n} sent ${r.inbox ? 'inbox' : 'SMS/email'} deliveries`), ...capture.duplicates()]);
}

/** Every stored settlement file, for every partner and day, proved against the journal. */
async function settlementsReconcile(db: Db, reconciledDays: Map<string, number>): Promise<InvariantResult> {
  const rows = await db.selectFrom('partner_settlements').select(['partner_id', 'business_date']).orderBy('business_date').orderBy('partner_id').execute();
  const failures: string[] = [];
  for (const r of rows) {
    const check = await reconcileSettlement(db, r.partner_id, r.business_date);
    if (check.ok) reconciledDays.set(r.partner_id, (reconciledDays.get(r.partner_id) ?? 0) + 1);
    else failures.push(`partner ${r.partner_id} ${r.business_date}: ${check.differences.join('; ')}`);
  }
  return result('partner settlement files reconcile to the ledger, every partner and day', rows.length, failures);
}

async function closesComplete(db: Db, closedDates: number): Promise<InvariantResult> {
  const runs = await db.selectFrom('close_runs').select(['business_date', 'status', 'errors']).orderBy('business_date').execute();
  const failures = runs.filter((r) => r.status !== 'done' || Number(r.errors) > 0).map((r) => `close of ${r.business_date}: ${r.status}, ${r.errors} plan errors`);
  if (runs.length !== closedDates) failures.unshift(`${runs.length} close runs for ${closedDates} business dates`);
  return result('every business date closed, without plan errors', runs.length, failures);
}

/** Customers who always pay by the due date (themselves or by auto-debit) never carry a late charge or an overdue notice. */
async function onTimePayersNeverOverdue(db: Db, byPersona: ReadonlyMap<Persona, readonly string[]>): Promise<InvariantResult> {
  const ids = [...(byPersona.get('on_time') ?? []), ...(byPersona.get('auto_debit') ?? [])];
  if (ids.length === 0) return result('customers who paid on time are never overdue', 0, []);
  const charged = await sql<{ customer_id: string; penalty: number }>`
    select customer_id::text, sum(penalty_fen)::bigint as penalty from installments where customer_id = any(${ids}::uuid[])
    group by 1 having sum(penalty_fen) > 0 limit 20`.execute(db);
  const told = await sql<{ customer_id: string; kind: string }>`
    select customer_id::text, kind from notices where customer_id = any(${ids}::uuid[]) and kind like 'overdue%' limit 20`.execute(db);
  const late = await sql<{ customer_id: string }>`
    select distinct customer_id::text from plans where customer_id = any(${ids}::uuid[]) and days_past_due > 0 limit 20`.execute(db);
  return result('customers who paid on time are never overdue', ids.length, [
    ...charged.rows.map((r) => `customer ${r.customer_id} was charged ${r.penalty} fen of late charges`),
    ...told.rows.map((r) => `customer ${r.customer_id} got a ${r.kind} notice`),
    ...late.rows.map((r) => `customer ${r.customer_id} has a plan past due`),
  ]);
}
