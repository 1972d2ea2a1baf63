import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import { isActiveAgent } from './agents.ts';
import { caseForActor } from './case-access.ts';
import { withCollections } from './tables.ts';

/** A supervisor moves an open case to another agent (the route admits supervisors and admins only). */
export async function reassignCase(ctx: TxContext, input: { customerId: string; caseId: string; agentId: string; reason: string }): Promise<Result<{ caseId: string; agentId: string }, DomainError>> {
  const found = await caseForActor(ctx, input.customerId, input.caseId, true);
  if (!found.ok) return found;
  if (found.value.status !== 'open') return err(domainError('conflict', `the case is ${found.value.status}, not open`));
  if (!await isActiveAgent(ctx.tx, input.agentId)) return err(domainError('validation_failed', 'no active agent with that id', 'agentId'));
  await withCollections(ctx.tx).updateTable('collection_cases').set({ agent_id: input.agentId, assigned_at: ctx.at, updated_at: ctx.at })
    .where('customer_id', '=', input.customerId).where('id', '=', input.caseId).execute();
  await audit(ctx, 'collections.reassign', `case:${input.caseId}`, { from: found.value.agent_id, to: input.agentId, reason: input.reason });
  return ok({ caseId: input.caseId, agentId: input.agentId });
}
