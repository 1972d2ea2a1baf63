import { sql } from 'kysely';
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
  const lines = JSON.stringify(entry.postings.map((p, seq) => ({ seq, d: p.debit, c: p.credit, p: p.planId ?? null, a: p.amount })));
  // One statement for the entry and its postings: a money write makes one round trip for its journal.
  await sql`
    with entry as (
      insert into journal_entries (customer_id, id, kind, reference, business_date, created_at)
      values (${ctx.customerId}, ${entryId}, ${entry.kind}, ${entry.reference}, ${ctx.businessDate}, ${ctx.at})
      returning customer_id, id
    )
    insert into postings (customer_id, entry_id, seq, debit_account, credit_account, plan_id, amount_fen, business_date)
    select entry.customer_id, entry.id, l.seq, l.d, l.c, l.p, l.a, ${ctx.businessDate}::date
    from entry, jsonb_to_recordset(${lines}::jsonb) as l(seq int, d text, c text, p uuid, a bigint)`.execute(tx);
  return entryId;
}
