import { sql, type RawBuilder } from 'kysely';
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
  return (await postJournals(tx, [{ ctx, entry }]))[0] ?? null;
}

/**
 * Writes any number of journal entries (for any customers) and all their postings in one
 * statement: a batch of money writes makes one round trip for its whole journal. Entries
 * with no postings are skipped. Returns each entry's id (null when skipped), in order.
 */
export async function postJournals(tx: Tx, items: readonly { ctx: PostContext; entry: JournalEntry }[]): Promise<(string | null)[]> {
  const { ids, entries, postings } = journalWrites(items);
  if (ids.every((id) => id === null)) return ids;
  await sql`with entry as (${entries}) ${postings}`.execute(tx);
  return ids;
}

/**
 * The two INSERTs behind postJournals (entries, then postings), as fragments for a caller
 * that writes them inside a larger statement. Both must be in the same statement: the
 * postings' foreign key to their entry is checked when the statement ends.
 */
export function journalWrites(items: readonly { ctx: PostContext; entry: JournalEntry }[]): { ids: (string | null)[]; entries: RawBuilder<unknown>; postings: RawBuilder<unknown> } {
  const ids: (string | null)[] = [];
  const entries: unknown[] = [];
  const lines: unknown[] = [];
  for (const { ctx, entry } of items) {
    if (entry.postings.length === 0) { ids.push(null); continue; }
    const entryId = ctx.ids.next();
    ids.push(entryId);
    entries.push([ctx.customerId, entryId, entry.kind, entry.reference, ctx.businessDate, ctx.at]);
    entry.postings.forEach((p, seq) => lines.push([ctx.customerId, entryId, seq, p.debit, p.credit, p.planId ?? null, p.amount, ctx.businessDate]));
  }
  return {
    ids,
    entries: sql`
      insert into journal_entries (customer_id, id, kind, reference, business_date, created_at)
      select (e->>0)::uuid, (e->>1)::uuid, e->>2, e->>3, (e->>4)::date, (e->>5)::timestamptz
      from jsonb_array_elements(${JSON.stringify(entries)}::jsonb) as e`,
    postings: sql`
      insert into postings (customer_id, entry_id, seq, debit_account, credit_account, plan_id, amount_fen, business_date)
      select (l->>0)::uuid, (l->>1)::uuid, (l->>2)::int, l->>3, l->>4, (l->>5)::uuid, (l->>6)::bigint, (l->>7)::date
      from jsonb_array_elements(${JSON.stringify(lines)}::jsonb) as l`,
  };
}
