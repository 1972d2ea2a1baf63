import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import type { TxContext } from '../context.ts';
import { withCollections, type CollectionCasesTable } from './tables.ts';
import type { Selectable } from 'kysely';

export type CaseRow = Selectable<CollectionCasesTable>;

/** Agents work only the cases assigned to them; supervisors and admins any case. */
export const seesEveryCase = (ctx: TxContext): boolean => ctx.actor.kind === 'staff' && ctx.actor.role !== 'agent';

/** The case, if it exists and the actor may act on it (an agent on another agent's case gets `forbidden`). */
export async function caseForActor(ctx: TxContext, customerId: string, caseId: string, lock = false): Promise<Result<CaseRow, DomainError>> {
  let q = withCollections(ctx.tx).selectFrom('collection_cases').selectAll().where('customer_id', '=', customerId).where('id', '=', caseId);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) return err(domainError('case_not_found', 'no collection case with that id for this customer'));
  if (!seesEveryCase(ctx) && row.agent_id !== ctx.actor.id) return err(domainError('forbidden', 'this case is assigned to another agent'));
  return ok(row);
}
