import { sql } from 'kysely';
import { maskPhonesIn } from '../core/privacy/mask.ts';
import type { Tx } from '../adapters/db/tx.ts';
import type { Actor, TxContext } from './context.ts';

/** One audit_log row as audit() writes it (details already masked JSON text). */
export interface AuditRow { id: string; at: Date; actor: string; action: string; target: string | null; ip: string | null; details: string }

/** The row audit() would write for `ctx`; takes its id now, so a batch keeps the one-by-one order of ids. */
export function auditRow(ctx: Pick<TxContext, 'deps' | 'actor' | 'at'>, action: string, target: string | null, details: Record<string, unknown> = {}): AuditRow {
  return { id: ctx.deps.ids.next(), at: ctx.at, actor: actorRef(ctx.actor), action, target, ip: ctx.actor.ip ?? null, details: maskPhonesIn(JSON.stringify(details)) };
}

/** How an actor is written in the audit log, ticket history and approvals: kind:id, and :role for staff. */
export const actorRef = (actor: Actor): string => `${actor.kind}:${actor.id}${actor.role ? `:${actor.role}` : ''}`;

/**
 * Appends to the audit log in the caller's transaction: who did what to what, when and from
 * where. Details pass through the masker so no full phone or ID number is ever stored here.
 */
export async function audit(ctx: TxContext, action: string, target: string | null, details: Record<string, unknown> = {}): Promise<void> {
  await ctx.tx.insertInto('audit_log').values(auditRow(ctx, action, target, details)).execute();
}

/** Many auditRow()s in one statement (a batch's records; one parameter whatever their number). */
export async function auditRows(tx: Tx, rows: readonly AuditRow[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`insert into audit_log (id, at, actor, action, target, ip, details)
    select (x->>'id')::uuid, (x->>'at')::timestamptz, x->>'actor', x->>'action', x->>'target', x->>'ip', (x->>'details')::jsonb
    from jsonb_array_elements(${JSON.stringify(rows)}::jsonb) as x`.execute(tx);
}
