import type { DomainError } from '../../core/errors.ts';
import { ok, type Result } from '../../core/result.ts';
import type { TxContext } from '../context.ts';
import { caseForActor, type CaseRow } from './case-access.ts';
import { withCollections } from './tables.ts';

export interface CaseDetail {
  case: CaseRow;
  phoneMasked: string | null;
  contacts: { id: string; agentId: string; channel: string; outcome: string; note: string | null; contactedAt: Date }[];
  promises: { id: string; promisedOn: string; amountFen: number; status: string; resolvedOn: string | null; paidFen: number | null }[];
}

/** One case with its contact log and promises (masked phone only). */
export async function getCase(ctx: TxContext, customerId: string, caseId: string): Promise<Result<CaseDetail, DomainError>> {
  const found = await caseForActor(ctx, customerId, caseId);
  if (!found.ok) return found;
  const db = withCollections(ctx.tx);
  const customer = await db.selectFrom('customers').select('phone_masked').where('id', '=', customerId).executeTakeFirst();
  const contacts = await db.selectFrom('collection_contacts').selectAll().where('customer_id', '=', customerId).where('case_id', '=', caseId).orderBy('contacted_at').execute();
  const promises = await db.selectFrom('payment_promises').selectAll().where('customer_id', '=', customerId).where('case_id', '=', caseId).orderBy('made_at').execute();
  return ok({
    case: found.value, phoneMasked: customer?.phone_masked ?? null,
    contacts: contacts.map((c) => ({ id: c.id, agentId: c.agent_id, channel: c.channel, outcome: c.outcome, note: c.note, contactedAt: c.contacted_at })),
    promises: promises.map((p) => ({ id: p.id, promisedOn: p.promised_on, amountFen: Number(p.amount_fen), status: p.status, resolvedOn: p.resolved_on, paidFen: p.paid_fen === null ? null : Number(p.paid_fen) })),
  });
}
