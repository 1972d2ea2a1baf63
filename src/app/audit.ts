import { maskPhonesIn } from '../core/privacy/mask.ts';
import type { TxContext } from './context.ts';

/**
 * Appends to the audit log in the caller's transaction: who did what to what, when and from
 * where. Details pass through the masker so no full phone or ID number is ever stored here.
 */
export async function audit(ctx: TxContext, action: string, target: string | null, details: Record<string, unknown> = {}): Promise<void> {
  const actor = `${ctx.actor.kind}:${ctx.actor.id}${ctx.actor.role ? `:${ctx.actor.role}` : ''}`;
  await ctx.tx.insertInto('audit_log').values({
    id: ctx.deps.ids.next(), at: ctx.at, actor, action, target, ip: ctx.actor.ip ?? null,
    details: maskPhonesIn(JSON.stringify(details)),
  }).execute();
}
