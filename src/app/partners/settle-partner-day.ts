import { sql, type Selectable } from 'kysely';
import { parseBusinessDate, type BusinessDate } from '../../core/calendar/business-date.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { settlementCsv, settlementEntry, totalsOf, type SettlementTotals } from '../../core/partners/settlement.ts';
import type { PartnerSettlementsTable } from '../../adapters/db/schema.ts';
import { postJournal } from '../../adapters/db/ledger-store.ts';
import { PLATFORM_CUSTOMER_ID } from '../../adapters/db/ids.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import { adjustQuota } from './partner-store.ts';
import { operationalLines } from './settlement-sources.ts';

export type SettlementRow = Selectable<PartnerSettlementsTable>;
export interface Settled { settlement: SettlementRow; replayed: boolean }

/**
 * 日终结算 for one partner and one business date. A day is settled once it is over (before
 * the open business date), exactly once: the (partner, date) row is the idempotency key, so a
 * re-run returns the stored file and posts nothing. The entry is posted on the open business
 * date (a closed day's books never change) and references the settled date. Principal that
 * went back to the partner (collected or returned) frees its quota here, when the partner
 * actually has the money again.
 */
export async function settlePartnerDay(ctx: TxContext, partnerId: string, date: BusinessDate): Promise<Result<Settled, DomainError>> {
  const parsed = parseBusinessDate(date, 'date');
  if (!parsed.ok) return parsed;
  if (date >= ctx.businessDate) return err(domainError('validation_failed', `a day is settled once it is over: ${date} is not before the open business date ${ctx.businessDate}`, 'date'));
  const partner = await ctx.tx.selectFrom('partners').select(['id', 'code']).where('id', '=', partnerId).executeTakeFirst();
  if (!partner) return err(domainError('not_found', 'no partner with that id', 'partnerId'));
  // Two runs of one (partner, day) queue here; the partner row itself is locked only for the
  // final quota update, so checkouts are not held up while a large day is being totalled.
  await sql`select pg_advisory_xact_lock(hashtext(${`settle:${partnerId}:${date}`}))`.execute(ctx.tx);
  const existing = await findSettlement(ctx, partnerId, date);
  if (existing) return ok({ settlement: existing, replayed: true });

  const lines = await operationalLines(ctx.tx, partnerId, date);
  const totals = totalsOf(lines);
  const entryId = await postJournal(ctx.tx, { customerId: PLATFORM_CUSTOMER_ID, businessDate: ctx.businessDate, at: ctx.at, ids: ctx.deps.ids }, settlementEntry(partnerId, date, totals));
  await ctx.tx.insertInto('partner_settlements').values({ ...rowOf(partnerId, date, totals), csv: settlementCsv(partner.code, date, lines, totals), entry_id: entryId, created_at: ctx.at }).execute();
  await adjustQuota(ctx.tx, partnerId, -(totals.collected.principal + totals.returnedPrincipal), ctx.at);
  await audit(ctx, 'partner.settle', `partner:${partnerId}`, { date, plans: totals.plans, netDueFen: totals.netDue });
  return ok({ settlement: (await findSettlement(ctx, partnerId, date))!, replayed: false });
}

const rowOf = (partnerId: string, date: BusinessDate, t: SettlementTotals) => ({
  partner_id: partnerId, business_date: date, plans: t.plans, principal_funded_fen: t.principalFunded, merchant_subsidy_fen: t.merchantSubsidy,
  collected_principal_fen: t.collected.principal, collected_interest_fen: t.collected.interest, collected_fee_fen: t.collected.fee,
  collected_penalty_fen: t.collected.penalty, returned_principal_fen: t.returnedPrincipal, net_due_fen: t.netDue,
});

async function findSettlement(ctx: TxContext, partnerId: string, date: BusinessDate) {
  return ctx.tx.selectFrom('partner_settlements').selectAll().where('partner_id', '=', partnerId).where('business_date', '=', date).executeTakeFirst();
}

