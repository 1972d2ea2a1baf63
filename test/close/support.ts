import { sql } from 'kysely';
import { DEFAULT_CLOSE_SETTINGS } from '../../src/core/close/close-settings.ts';
import type { CloseDateOptions } from '../../src/app/close/close-date.ts';
import { closeThrough } from '../../src/app/close/close-through.ts';
import type { TestApp } from '../support/app.ts';

/** Small partitions and pages so a handful of plans still crosses page and partition boundaries. */
export const TEST_CLOSE: CloseDateOptions = {
  workers: 2, partitions: 3, pageSize: 2, chargePageSize: 2, leaseSeconds: 5, settings: DEFAULT_CLOSE_SETTINGS,
};

export async function closeTo(t: TestApp, date: string, o: Partial<CloseDateOptions> = {}) {
  const r = await closeThrough(t.deps, date, { ...TEST_CLOSE, ...o });
  const open = await t.deps.calendar.today();
  t.clock.set(new Date(`${open}T02:00:00Z`));
  return r;
}

export async function installment(t: TestApp, planId: string, number: number) {
  return t.deps.db.selectFrom('installments').selectAll().where('plan_id', '=', planId).where('number', '=', number).executeTakeFirstOrThrow();
}

export async function planRow(t: TestApp, planId: string) {
  return t.deps.db.selectFrom('plans').selectAll().where('id', '=', planId).executeTakeFirstOrThrow();
}

/** Sum of postings for a plan into one credit account, optionally on one business date. */
export async function credited(t: TestApp, planId: string, account: string, date?: string): Promise<number> {
  const r = await sql<{ s: number }>`select coalesce(sum(amount_fen), 0)::bigint as s from postings
    where plan_id = ${planId}::uuid and credit_account = ${account} ${date ? sql`and business_date = ${date}::date` : sql``}`.execute(t.deps.db);
  return r.rows[0]!.s;
}

export async function accruals(t: TestApp, planId: string) {
  return t.deps.db.selectFrom('close_accruals').selectAll().where('plan_id', '=', planId).orderBy('business_date').orderBy('step').execute();
}

export async function ledgerFingerprint(t: TestApp) {
  const r = await sql<{ n: number; s: number }>`select count(*)::bigint as n, coalesce(sum(amount_fen), 0)::bigint as s from postings`.execute(t.deps.db);
  return r.rows[0]!;
}
