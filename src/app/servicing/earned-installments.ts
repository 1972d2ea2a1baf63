import { sql } from 'kysely';
import type { Tx } from '../../adapters/db/tx.ts';

/** `${planId}:${installmentNumber}` of an installment whose contractual income the close has earned. */
export type EarnedKey = `${string}:${number}`;
export const earnedKey = (planId: string, installmentNumber: number): EarnedKey => `${planId}:${installmentNumber}`;

/**
 * Installments of these plans whose interest and fees the daily close has already moved from
 * unearned to income: those due on a date with an 'income' accrual for the plan. A waiver or
 * a return of such an installment's interest or fee must reverse income, not unearned income,
 * or the plan's unearned balance goes below zero while its income stays overstated.
 */
export async function earnedInstallments(tx: Tx, customerId: string, planIds: readonly string[]): Promise<Set<EarnedKey>> {
  if (planIds.length === 0) return new Set();
  const r = await sql<{ plan_id: string; number: number }>`
    select i.plan_id::text, i.number from installments i
    join close_accruals a on a.customer_id = i.customer_id and a.plan_id = i.plan_id and a.business_date = i.due_date and a.step = 'income'
    where i.customer_id = ${customerId}::uuid and i.plan_id = any(${planIds as string[]}::uuid[])`.execute(tx);
  return new Set(r.rows.map((x) => earnedKey(x.plan_id, x.number)));
}
