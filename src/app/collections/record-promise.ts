import { addDays } from '../../core/calendar/business-date.ts';
import { PROMISE_HORIZON_DAYS, validatePromise } from '../../core/collections/promises.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import type { Fen } from '../../core/money/fen.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import { caseForActor } from './case-access.ts';
import { withCollections } from './tables.ts';

export interface PromiseInput { customerId: string; caseId: string; promisedOn: string; amount: Fen }
export interface RecordedPromise { promiseId: string; caseId: string; promisedOn: string; amount: Fen; status: 'open' }

/** 承诺还款: the customer says they will pay `amount` by `promisedOn`; the daily close checks it. */
export async function recordPromise(ctx: TxContext, input: PromiseInput): Promise<Result<RecordedPromise, DomainError>> {
  const found = await caseForActor(ctx, input.customerId, input.caseId);
  if (!found.ok) return found;
  if (found.value.status !== 'open') return err(domainError('conflict', `the case is ${found.value.status}; promises are only for open cases`));
  const valid = validatePromise(input.promisedOn, input.amount, ctx.businessDate, addDays(ctx.businessDate, PROMISE_HORIZON_DAYS));
  if (!valid.ok) return valid;
  const promiseId = ctx.deps.ids.next();
  await withCollections(ctx.tx).insertInto('payment_promises').values({
    customer_id: input.customerId, id: promiseId, case_id: input.caseId, plan_id: found.value.plan_id, agent_id: ctx.actor.id,
    promised_on: input.promisedOn, amount_fen: input.amount, status: 'open', made_at: ctx.at, business_date: ctx.businessDate, resolved_on: null, paid_fen: null,
  }).execute();
  await audit(ctx, 'collections.promise', `case:${input.caseId}`, { promisedOn: input.promisedOn, amountFen: input.amount });
  return ok({ promiseId, caseId: input.caseId, promisedOn: input.promisedOn, amount: input.amount, status: 'open' });
}
