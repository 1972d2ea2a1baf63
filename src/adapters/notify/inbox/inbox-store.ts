import type { Db, Tx } from '../../db/tx.ts';

/**
 * The in-app inbox, stored in the database: the one channel that cannot bounce. Messages are
 * written by the notice dispatcher in the same transaction as the notice's outcome (so a
 * notice is in the inbox once, or not at all) and read by the portal through /v1/me/inbox.
 */
export interface InboxMessage {
  id: string;
  noticeId: string | null;
  kind: string;
  title: string;
  body: string;
  actionPath: string | null;
  createdAt: Date;
  readAt: Date | null;
}

export interface NewInboxMessage { customerId: string; id: string; noticeId: string | null; kind: string; title: string; body: string; actionPath: string | null; at: Date }

/** Inserts a message; a second one for the same notice is ignored (unique per notice). */
export async function putInboxMessage(tx: Tx | Db, m: NewInboxMessage): Promise<boolean> {
  const rows = await tx.insertInto('inbox_messages').values({
    customer_id: m.customerId, id: m.id, notice_id: m.noticeId, kind: m.kind, title: m.title, body: m.body, action_path: m.actionPath, created_at: m.at, read_at: null,
  }).onConflict((oc) => oc.columns(['customer_id', 'notice_id']).where('notice_id', 'is not', null).doNothing()).returning('id').execute();
  return rows.length === 1;
}

/** Newest first (ids are UUIDv7, so id order is time order); `before` pages back from an id. */
export async function listInboxMessages(db: Db, customerId: string, limit: number, before: string | null): Promise<InboxMessage[]> {
  let q = db.selectFrom('inbox_messages').selectAll().where('customer_id', '=', customerId);
  if (before) q = q.where('id', '<', before);
  const rows = await q.orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id, noticeId: r.notice_id, kind: r.kind, title: r.title, body: r.body, actionPath: r.action_path, createdAt: r.created_at, readAt: r.read_at,
  }));
}

export async function countUnread(db: Db, customerId: string): Promise<number> {
  const row = await db.selectFrom('inbox_messages').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('customer_id', '=', customerId).where('read_at', 'is', null).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Marks read once: the first read time is kept. Null when the customer has no such message. */
export async function markInboxMessageRead(db: Db, customerId: string, id: string, at: Date): Promise<Date | null> {
  await db.updateTable('inbox_messages').set({ read_at: at }).where('customer_id', '=', customerId).where('id', '=', id).where('read_at', 'is', null).execute();
  const row = await db.selectFrom('inbox_messages').select('read_at').where('customer_id', '=', customerId).where('id', '=', id).executeTakeFirst();
  return row?.read_at ?? null;
}
