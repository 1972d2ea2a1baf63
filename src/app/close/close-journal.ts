import type { BusinessDate } from '../../core/calendar/business-date.ts';
import type { JournalEntry } from '../../core/ledger/journal.ts';
import type { IdGenerator } from '../ports.ts';
import type { Tx } from '../../adapters/db/tx.ts';

export interface CustomerEntry { customerId: string; entry: JournalEntry; id?: string }

/**
 * Writes many journal entries with two statements instead of two per entry: a page of the
 * close posts for hundreds of plans, and round trips, not rows, are what cost. Entries with
 * no postings are dropped, as postJournal does.
 */
export async function insertEntries(tx: Tx, items: readonly CustomerEntry[], date: BusinessDate, at: Date, ids: IdGenerator): Promise<number> {
  const kept = items.filter((i) => i.entry.postings.length > 0).map((i) => ({ ...i, id: i.id ?? ids.next() }));
  if (kept.length === 0) return 0;
  await tx.insertInto('journal_entries').values(kept.map((i) => ({
    customer_id: i.customerId, id: i.id, kind: i.entry.kind, reference: i.entry.reference, business_date: date, created_at: at,
  }))).execute();
  const postings = kept.flatMap((i) => i.entry.postings.map((p, seq) => ({
    customer_id: i.customerId, entry_id: i.id, seq, debit_account: p.debit, credit_account: p.credit,
    plan_id: p.planId ?? null, amount_fen: p.amount, business_date: date,
  })));
  await tx.insertInto('postings').values(postings).execute();
  return postings.length;
}
