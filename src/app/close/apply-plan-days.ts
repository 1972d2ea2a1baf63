import { sql } from 'kysely';
import type { BusinessDate } from '../../core/calendar/business-date.ts';
import { chargesEntry, incomeEntry, writeOffEntry } from '../../core/close/close-entries.ts';
import { sendOnFor } from '../../core/close/outbox-rules.ts';
import type { PlanDayOutcome } from '../../core/close/plan-day.ts';
import { applyInstallmentDeltas, InstallmentDeltas } from '../../adapters/db/plan-store.ts';
import type { Database } from '../../adapters/db/schema.ts';
import type { Insertable } from 'kysely';
import type { Tx } from '../../adapters/db/tx.ts';
import type { IdGenerator } from '../ports.ts';
import { insertEntries, type CustomerEntry } from './close-journal.ts';
import type { CloseCounts } from './counts.ts';
import type { LoadedPlan } from './plan-day-store.ts';
import { timed } from './phase-timer.ts';

export interface PlanDay { plan: LoadedPlan; outcome: PlanDayOutcome }
export interface WriteContext { date: BusinessDate; at: Date; ids: IdGenerator }

/**
 * Writes a page of plan-days in the caller's transaction (customers already locked). Each
 * posting goes in only if its close_accruals row went in: the row's primary key is the
 * exactly-once guarantee, whatever else happened to run for the same plan and date.
 */
export async function applyPlanDays(tx: Tx, w: WriteContext, days: readonly PlanDay[]): Promise<CloseCounts> {
  const counts: CloseCounts = { plans: days.length };
  const entryIds = new Map(days.flatMap(({ plan }) => [[`${plan.key.planId}:income`, w.ids.next()], [`${plan.key.planId}:charges`, w.ids.next()]] as const));
  const inserted = await timed('apply.accruals', () => insertAccruals(tx, w.date, days, entryIds));
  const entries: CustomerEntry[] = [];
  const penalties: { customerId: string; planId: string; number: number; amount: number }[] = [];
  for (const { plan, outcome } of days) {
    const { customerId, planId } = plan.key;
    if (outcome.income && inserted.has(`${planId}:income`)) {
      entries.push({ customerId, entry: incomeEntry(planId, w.date, outcome.income), id: entryIds.get(`${planId}:income`)! });
      bump(counts, 'incomePlans', 1); bump(counts, 'interestEarnedFen', outcome.income.interest); bump(counts, 'feeEarnedFen', outcome.income.fee);
    }
    if (outcome.charges?.length && inserted.has(`${planId}:charges`)) {
      entries.push({ customerId, entry: chargesEntry(planId, w.date, outcome.charges), id: entryIds.get(`${planId}:charges`)! });
      for (const c of outcome.charges) penalties.push({ customerId, planId, number: c.installmentNumber, amount: c.amount });
      bump(counts, 'chargedPlans', 1); bump(counts, 'chargesFen', outcome.charges.reduce((s, c) => s + c.amount, 0));
    }
  }
  await timed('apply.penalties', () => addPenalties(tx, penalties));
  await timed('apply.entries', () => insertEntries(tx, entries, w.date, w.at, w.ids));
  bump(counts, 'delinquencyChanged', await timed('apply.dpd', () => updateDelinquency(tx, days)));
  await timed('apply.writeoff', () => writeOffAll(tx, w, days, counts));
  bump(counts, 'queued', await timed('apply.outbox', () => queueOutbox(tx, w, days)));
  return counts;
}

const bump = (c: CloseCounts, k: string, v: number) => { if (v) c[k] = (c[k] ?? 0) + v; };

async function insertAccruals(tx: Tx, date: BusinessDate, days: readonly PlanDay[], entryIds: ReadonlyMap<string, string>): Promise<Set<string>> {
  const rows = days.flatMap(({ plan, outcome }) => [
    ...(outcome.income ? [{ customer_id: plan.key.customerId, plan_id: plan.key.planId, business_date: date, step: 'income' as const,
      interest_fen: outcome.income.interest, fee_fen: outcome.income.fee, entry_id: entryIds.get(`${plan.key.planId}:income`)! }] : []),
    ...(outcome.charges?.length ? [{ customer_id: plan.key.customerId, plan_id: plan.key.planId, business_date: date, step: 'charges' as const,
      penalty_fen: outcome.charges.reduce((s, c) => s + c.penalty, 0), late_fee_fen: outcome.charges.reduce((s, c) => s + c.lateFee, 0), entry_id: entryIds.get(`${plan.key.planId}:charges`)! }] : []),
  ]);
  if (rows.length === 0) return new Set();
  const done = await tx.insertInto('close_accruals').values(rows).onConflict((oc) => oc.doNothing()).returning(['plan_id', 'step']).execute();
  return new Set(done.map((r) => `${r.plan_id}:${r.step}`));
}

/** A charge re-opens an installment paid today after grace: it now owes that day's penalty. */
async function addPenalties(tx: Tx, rows: readonly { customerId: string; planId: string; number: number; amount: number }[]) {
  if (rows.length === 0) return;
  const values = sql.join(rows.map((r) => sql`(${r.customerId}::uuid, ${r.planId}::uuid, ${r.number}::int, ${r.amount}::bigint)`));
  await sql`
    update installments i set penalty_fen = i.penalty_fen + v.amount, settled_on = null
    from (values ${values}) as v(customer_id, plan_id, number, amount)
    where i.customer_id = v.customer_id and i.plan_id = v.plan_id and i.number = v.number and v.amount > 0`.execute(tx);
}

async function updateDelinquency(tx: Tx, days: readonly PlanDay[]): Promise<number> {
  const changed = days.filter(({ plan, outcome }) => plan.status === 'active' && (plan.daysPastDue !== outcome.daysPastDue || plan.bucket !== outcome.bucket));
  if (changed.length === 0) return 0;
  const values = sql.join(changed.map(({ plan, outcome }) => sql`(${plan.key.customerId}::uuid, ${plan.key.planId}::uuid, ${outcome.daysPastDue}::int, ${outcome.bucket}::text)`));
  await sql`update plans p set days_past_due = v.dpd, delinquency_bucket = v.bucket
            from (values ${values}) as v(customer_id, plan_id, dpd, bucket)
            where p.customer_id = v.customer_id and p.id = v.plan_id`.execute(tx);
  return changed.length;
}

/**
 * Written off: everything outstanding is taken off the receivable as 'writeoff' waivers (so
 * the plan's sub-ledger still equals schedule − paid − waived), the plan leaves the active
 * book, and the credit line is released by the principal written off. A page's write-offs go
 * in together (one statement per table, not five per plan): at 1M plans a close writes off
 * about a thousand.
 */
async function writeOffAll(tx: Tx, w: WriteContext, days: readonly PlanDay[], counts: CloseCounts) {
  const off = days.filter((d) => d.outcome.writeOff);
  if (off.length === 0) return;
  const deltas = new InstallmentDeltas();
  const waivers: Insertable<Database['waivers']>[] = [];
  const released = new Map<string, number>();
  const entries: CustomerEntry[] = [];
  for (const { plan, outcome } of off) {
    const lines = outcome.writeOff!;
    const { customerId, planId } = plan.key;
    for (const l of lines) {
      deltas.add(customerId, planId, { installmentNumber: l.installmentNumber, component: l.component, amount: l.amount }, 'waived', 1);
      waivers.push({
        customer_id: customerId, id: w.ids.next(), plan_id: planId, installment_number: l.installmentNumber, component: l.component,
        amount_fen: l.amount, source: 'writeoff' as const, reason: `written off at ${outcome.daysPastDue} days past due`, repayment_id: null,
        actor: 'system:eod', business_date: w.date, created_at: w.at, reversed_at: null,
      });
    }
    const principal = lines.filter((l) => l.component === 'principal').reduce((s, l) => s + l.amount, 0);
    if (principal > 0) released.set(customerId, (released.get(customerId) ?? 0) + principal);
    entries.push({ customerId, entry: writeOffEntry(planId, w.date, lines) });
    bump(counts, 'writtenOff', 1);
    bump(counts, 'writtenOffFen', lines.reduce((s, l) => s + l.amount, 0));
  }
  await applyInstallmentDeltas(tx, deltas.rows(), w.date);
  if (waivers.length > 0) await tx.insertInto('waivers').values(waivers).execute();
  const plans = sql.join(off.map(({ plan }) => sql`(${plan.key.customerId}::uuid, ${plan.key.planId}::uuid)`));
  await sql`update plans p set status = 'written_off', closed_on = ${w.date}::date, updated_at = ${w.at}
            from (values ${plans}) as v(customer_id, id) where p.customer_id = v.customer_id and p.id = v.id`.execute(tx);
  if (released.size > 0) {
    const lines = sql.join([...released].map(([c, fen]) => sql`(${c}::uuid, ${fen}::bigint)`));
    await sql`update credit_lines l set used_fen = l.used_fen - v.fen, updated_at = ${w.at}
              from (values ${lines}) as v(customer_id, fen) where l.customer_id = v.customer_id`.execute(tx);
  }
  await insertEntries(tx, entries, w.date, w.at, w.ids);
}

async function queueOutbox(tx: Tx, w: WriteContext, days: readonly PlanDay[]): Promise<number> {
  const sendOn = sendOnFor(w.date);
  const rows = days.filter((d) => d.plan.status === 'active').flatMap(({ plan, outcome }) => outcome.outbox.map((o) => ({
    customer_id: plan.key.customerId, plan_id: plan.key.planId, installment_number: o.installmentNumber, kind: o.kind,
    business_date: w.date, send_on: sendOn, created_at: w.at, consumed_at: null,
  })));
  if (rows.length === 0) return 0;
  const r = await tx.insertInto('close_outbox').values(rows).onConflict((oc) => oc.doNothing()).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0);
}
