import { checkContact, contactDayOf, type ContactChannel, type ContactOutcome } from '../../core/collections/contact-rules.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { lockCustomer } from '../../adapters/db/plan-store.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import { caseForActor } from './case-access.ts';
import { collectionsSettings } from './settings.ts';
import { withCollections } from './tables.ts';

export interface LogContactInput { customerId: string; caseId: string; channel: ContactChannel; outcome: ContactOutcome; note?: string }
export interface LoggedContact { contactId: string; caseId: string; contactedAt: Date; contactDay: string; attemptsToday: number }

/**
 * Records an attempt to reach the customer, at the wall-clock time of the request. Refused
 * in quiet hours and beyond the daily cap (both counted in Asia/Shanghai). The customer row
 * is locked first so two agents cannot both take the last attempt of the day.
 */
export async function logContact(ctx: TxContext, input: LogContactInput): Promise<Result<LoggedContact, DomainError>> {
  if (!await lockCustomer(ctx.tx, input.customerId)) return err(domainError('customer_not_found', 'no such customer'));
  const found = await caseForActor(ctx, input.customerId, input.caseId);
  if (!found.ok) return found;
  if (found.value.status !== 'open') return err(domainError('conflict', `the case is ${found.value.status}; contact is only for open cases`));
  const db = withCollections(ctx.tx);
  const day = contactDayOf(ctx.at);
  const today = await db.selectFrom('collection_contacts').select(({ fn }) => fn.countAll<number>().as('n'))
    .where('customer_id', '=', input.customerId).where('contact_day', '=', day).executeTakeFirstOrThrow();
  const allowed = checkContact({ at: ctx.at, attemptsToday: Number(today.n), contactsPerDay: collectionsSettings(ctx.deps.config).contactsPerDay });
  if (!allowed.ok) return allowed;
  const contactId = ctx.deps.ids.next();
  await db.insertInto('collection_contacts').values({
    customer_id: input.customerId, id: contactId, case_id: input.caseId, agent_id: ctx.actor.id, channel: input.channel, outcome: input.outcome,
    note: input.note ?? null, contacted_at: ctx.at, contact_day: day, business_date: ctx.businessDate,
  }).execute();
  await audit(ctx, 'collections.contact', `case:${input.caseId}`, { channel: input.channel, outcome: input.outcome });
  return ok({ contactId, caseId: input.caseId, contactedAt: ctx.at, contactDay: day, attemptsToday: Number(today.n) + 1 });
}
