import type { Db } from '../../adapters/db/tx.ts';
import { pageLimit, pageOf, type Page, type PageInput } from './paging.ts';

export interface AuditRow { id: string; at: Date; actor: string; action: string; target: string | null; ip: string | null; details: unknown }
export interface AuditFilter extends PageInput {
  /** A prefix of "kind:id:role": "staff:" for all staff, "merchant:<id>" for one merchant. */
  actor?: string;
  /** An action ("credit_line.freeze") or a family of them ("credit_line"). */
  action?: string;
  /** Exactly, e.g. "customer:<id>". */
  target?: string;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The audit log, newest first. Rows were masked when written (audit() masks phone numbers). */
export async function listAuditLog(db: Db, filter: AuditFilter): Promise<Page<AuditRow>> {
  const limit = pageLimit(filter);
  let q = db.selectFrom('audit_log').selectAll();
  if (filter.actor) q = q.where('actor', 'like', `${escapeLike(filter.actor)}%`);
  if (filter.action) {
    const action = filter.action;
    q = q.where((eb) => eb.or([eb('action', '=', action), eb('action', 'like', `${escapeLike(action)}.%`)]));
  }
  if (filter.target) q = q.where('target', '=', filter.target);
  if (filter.cursor) q = q.where('id', '<', filter.cursor);
  return pageOf(await q.orderBy('id', 'desc').limit(limit + 1).execute(), limit);
}
