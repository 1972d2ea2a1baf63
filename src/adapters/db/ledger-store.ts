import type { JournalEntry } from '../../core/ledger/journal.ts';
import type { BusinessDate } from '../../core/calendar/business-date.ts';
import type { IdGenerator } from '../../app/ports.ts';
import type { Tx } from './tx.ts';

export interface PostContext {
  customerId: string;
  businessDate: BusinessDate;
  at: Date;
  ids: IdGenerator;
}

/**
 * Writes a journal entry and its postings inside the caller's transaction. An entry with no
 * postings (everything zero) is not written. Returns the entry id, or null.
 */
export async function postJournal(tx: Tx, ctx: PostContext, entry: JournalEntry): Promise<string | null> {
  if (entry.postings.length === 0) return null;
  const entryId = ctx.ids.next();
  await tx.insertInto('journal_entries').values({
    customer_id: ctx.customerId, id: entryId, kind: entry.kind, reference: entry.reference,
    business_date: ctx.businessDate, created_at: ctx.at,
  }).execute();
  await tx.insertInto('postings').values(entry.postings.map((p, seq) => ({
    customer_id: ctx.customerId, entry_id: entryId, seq, debit_account: p.debit, credit_account: p.credit,
    plan_id: p.planId ?? null, amount_fen: p.amount, business_date: ctx.businessDate,
  }))).execute();
  return entryId;
}
