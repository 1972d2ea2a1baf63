import { countUnread, listInboxMessages, markInboxMessageRead, type InboxMessage } from '../../adapters/notify/inbox/inbox-store.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import type { AppDeps } from '../deps.ts';

export const INBOX_PAGE_MAX = 50;

export interface InboxPage { unread: number; messages: InboxMessage[]; next: string | null }

/** The customer's inbox, newest first; `next` is the cursor for the page after this one. */
export async function listInbox(deps: AppDeps, customerId: string, limit: number, before: string | null): Promise<InboxPage> {
  const size = Math.min(Math.max(1, limit), INBOX_PAGE_MAX);
  const rows = await listInboxMessages(deps.db, customerId, size + 1, before);
  const messages = rows.slice(0, size);
  return { unread: await countUnread(deps.db, customerId), messages, next: rows.length > size ? messages.at(-1)!.id : null };
}

/**
 * Marks one of the customer's messages read. Idempotent: reading it again keeps the first
 * time. Another customer's message answers not_found, exactly like one that does not exist.
 */
export async function markInboxRead(deps: AppDeps, customerId: string, messageId: string): Promise<Result<{ id: string; readAt: Date }, DomainError>> {
  const readAt = await markInboxMessageRead(deps.db, customerId, messageId, deps.clock.now());
  return readAt ? ok({ id: messageId, readAt }) : err(domainError('not_found', 'no such message in your inbox'));
}
