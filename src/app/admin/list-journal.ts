import type { Db } from '../../adapters/db/tx.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { pageLimit, pageOf, type Page, type PageInput } from './paging.ts';

export interface JournalPosting { seq: number; debitAccount: string; creditAccount: string; amountFen: number; planId: string | null }
export interface JournalEntryLine { id: string; kind: string; reference: string; businessDate: string; createdAt: Date; postings: JournalPosting[] }
export interface JournalFilter extends PageInput { customerId?: string; planId?: string }

/**
 * A customer's journal, or one plan's (the entries with a posting for it), oldest first as
 * a ledger is read; the cursor is the last entry id seen. Each entry comes whole, with
 * every posting, so it can be seen to balance.
 */
export async function listJournal(db: Db, filter: JournalFilter): Promise<Result<Page<JournalEntryLine>, DomainError>> {
  const owner = filter.planId ? await planOwner(db, filter.planId) : filter.customerId ? await customerExists(db, filter.customerId) : null;
  if (!owner) return err(domainError('validation_failed', 'name a customer or a plan'));
  if (!owner.ok) return owner;
  const customerId = owner.value;
  const limit = pageLimit(filter);
  let q = db.selectFrom('journal_entries as e').select(['e.id', 'e.kind', 'e.reference', 'e.business_date', 'e.created_at']).where('e.customer_id', '=', customerId);
  if (filter.planId) {
    const planId = filter.planId;
    q = q.where(({ exists, selectFrom }) => exists(selectFrom('postings as p').select('p.seq')
      .whereRef('p.customer_id', '=', 'e.customer_id').whereRef('p.entry_id', '=', 'e.id').where('p.plan_id', '=', planId)));
  }
  if (filter.cursor) q = q.where('e.id', '>', filter.cursor);
  const page = pageOf(await q.orderBy('e.id').limit(limit + 1).execute(), limit);
  const ids = page.items.map((e) => e.id);
  const postings = ids.length === 0 ? [] : await db.selectFrom('postings').selectAll()
    .where('customer_id', '=', customerId).where('entry_id', 'in', ids).orderBy('entry_id').orderBy('seq').execute();
  const byEntry = new Map<string, JournalPosting[]>(ids.map((id) => [id, []]));
  for (const p of postings) {
    byEntry.get(p.entry_id)!.push({ seq: p.seq, debitAccount: p.debit_account, creditAccount: p.credit_account, amountFen: p.amount_fen, planId: p.plan_id });
  }
  return ok({
    nextCursor: page.nextCursor,
    items: page.items.map((e) => ({ id: e.id, kind: e.kind, reference: e.reference, businessDate: e.business_date, createdAt: e.created_at, postings: byEntry.get(e.id)! })),
  });
}

async function planOwner(db: Db, planId: string): Promise<Result<string, DomainError>> {
  const plan = await db.selectFrom('plans').select('customer_id').where('id', '=', planId).executeTakeFirst();
  return plan ? ok(plan.customer_id) : err(domainError('plan_not_found', 'no plan with that id', 'planId'));
}

async function customerExists(db: Db, customerId: string): Promise<Result<string, DomainError>> {
  const c = await db.selectFrom('customers').select('id').where('id', '=', customerId).executeTakeFirst();
  return c ? ok(c.id) : err(domainError('customer_not_found', 'no customer with that id', 'customerId'));
}
