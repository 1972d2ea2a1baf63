import type { Db, Tx } from '../../../adapters/db/tx.ts';

/**
 * A customer's views read several tables (plans, installments, repayments); a repayment
 * committing between two of those reads would show a bill that does not add up. One
 * read-only REPEATABLE READ transaction gives every read the same snapshot. (PGlite runs
 * one transaction at a time, which is at least as strong.)
 */
export function readSnapshot<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(work);
}
