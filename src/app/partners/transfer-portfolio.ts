import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { BusinessDate } from '../../core/calendar/business-date.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { transferEntry, transferNotice, transferNoticeKey } from '../../core/partners/transfer.ts';
import { postJournal } from '../../adapters/db/ledger-store.ts';
import { isUniqueViolation } from '../../adapters/db/tx.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import { shortName } from '../notices/enqueue-notice.ts';
import { queueNotice } from '../entrances/continuity-notices.ts';
import { resolveEntrance } from '../entrances/resolve-entrance.ts';
import { loadTimelines } from '../entrances/entrance-store.ts';
import { adjustQuota, type PartnerRow } from './partner-store.ts';
import { selectTransferPlans, type Excluded, type SelectedPlan, type TransferSelection } from './transfer-selection.ts';

export interface TransferInput {
  transferId: string; fromPartnerId: string; toPartnerId: string; effectiveDate: BusinessDate;
  selection: TransferSelection; reason: string; dryRun: boolean;
}
export interface TransferSummary {
  transferId: string; dryRun: boolean; replayed: boolean; fromPartnerId: string; toPartnerId: string; effectiveDate: BusinessDate;
  plans: number; customers: number; principalFen: number; planIds: string[]; excluded: Excluded[];
}

/**
 * 资产转让: moves the seller's share of a set of plans to the buyer from the effective date.
 * What changes: a new plan_funding version (history kept), the funding stake in the ledger,
 * both quotas, and who later collections settle to. What does not: schedules, bills, links,
 * auto-debit — nothing the customer sees except one notice. A dry run returns the same totals
 * and writes nothing; the transfer id makes a retry return the first result.
 *
 * Executed on its effective date (the open business date), so "outstanding at the start of
 * the day" is already final and nothing dated later can change what was moved.
 */
export async function transferPortfolio(ctx: TxContext, input: TransferInput): Promise<Result<TransferSummary, DomainError>> {
  if (input.fromPartnerId === input.toPartnerId) return err(domainError('validation_failed', 'seller and buyer are the same partner', 'toPartnerId'));
  if (!input.dryRun && input.effectiveDate !== ctx.businessDate) {
    return err(domainError('validation_failed', `a transfer is executed on its effective date; the open business date is ${ctx.businessDate}`, 'effectiveDate'));
  }
  if (input.effectiveDate < ctx.businessDate) return err(domainError('validation_failed', 'the effective date is in the past', 'effectiveDate'));
  const fingerprint = fingerprintOf(input);
  // A retry racing the first attempt waits here, then finds it and replays it.
  await sql`select pg_advisory_xact_lock(hashtext(${`transfer:${input.transferId}`}))`.execute(ctx.tx);
  const previous = await ctx.tx.selectFrom('portfolio_transfers').selectAll().where('id', '=', input.transferId).executeTakeFirst();
  if (previous) {
    if (previous.fingerprint !== fingerprint) return err(domainError('conflict', 'this transfer id was used for a different transfer', 'transferId'));
    return ok(await storedSummary(ctx, previous.id));
  }
  const partners = await findPartners(ctx, input.fromPartnerId, input.toPartnerId);
  if (!partners.ok) return partners;
  const { plans, excluded } = await selectTransferPlans(ctx.tx, input.fromPartnerId, input.toPartnerId, input.effectiveDate, input.selection);
  const summary = summaryOf(input, plans, excluded, false);
  if (input.dryRun) return ok(summary);
  if (plans.length === 0) return err(domainError('validation_failed', 'the selection has no plan of the selling partner to transfer', 'selection'));
  const [seller, buyer] = partners.value;
  await ctx.tx.insertInto('portfolio_transfers').values({
    id: input.transferId, from_partner_id: seller.id, to_partner_id: buyer.id, effective_date: input.effectiveDate, selection: JSON.stringify(input.selection),
    fingerprint, plans: summary.plans, customers: summary.customers, principal_fen: summary.principalFen, reason: input.reason,
    actor: `${ctx.actor.kind}:${ctx.actor.id}`, created_at: ctx.at,
  }).execute();
  try {
    await moveOwnership(ctx, input, plans);
  } catch (e) {
    if (isUniqueViolation(e)) return err(domainError('conflict', 'another transfer moved some of these plans at the same moment; preview again', 'selection'));
    throw e;
  }
  await notifyCustomers(ctx, input, plans, seller, buyer);
  // Quotas last, in id order, so both partner rows are locked only for the end of the transaction.
  for (const [id, delta] of [[seller.id, -summary.principalFen], [buyer.id, summary.principalFen]].sort() as [string, number][]) {
    if (!(await adjustQuota(ctx.tx, id, delta, ctx.at, id === buyer.id))) {
      return err(domainError('limit_exceeded', `the buyer's quota cannot take ${summary.principalFen} fen more`, 'toPartnerId'));
    }
  }
  await audit(ctx, 'partner.transfer', `transfer:${input.transferId}`, { from: seller.code, to: buyer.code, plans: summary.plans, principalFen: summary.principalFen, reason: input.reason });
  return ok(summary);
}

const fingerprintOf = (i: TransferInput) =>
  createHash('sha256').update(JSON.stringify([i.fromPartnerId, i.toPartnerId, i.effectiveDate, i.selection])).digest('hex');

function summaryOf(input: TransferInput, plans: SelectedPlan[], excluded: Excluded[], replayed: boolean): TransferSummary {
  return {
    transferId: input.transferId, dryRun: input.dryRun, replayed, fromPartnerId: input.fromPartnerId, toPartnerId: input.toPartnerId,
    effectiveDate: input.effectiveDate, plans: plans.length, customers: new Set(plans.map((p) => p.customerId)).size,
    principalFen: plans.reduce((s, p) => s + p.principalFen, 0), planIds: plans.map((p) => p.planId), excluded,
  };
}

async function storedSummary(ctx: TxContext, transferId: string): Promise<TransferSummary> {
  const t = await ctx.tx.selectFrom('portfolio_transfers').selectAll().where('id', '=', transferId).executeTakeFirstOrThrow();
  const rows = await ctx.tx.selectFrom('portfolio_transfer_plans').select('plan_id').where('transfer_id', '=', transferId).orderBy('customer_id').orderBy('plan_id').execute();
  return {
    transferId, dryRun: false, replayed: true, fromPartnerId: t.from_partner_id, toPartnerId: t.to_partner_id, effectiveDate: t.effective_date,
    plans: t.plans, customers: t.customers, principalFen: t.principal_fen, planIds: rows.map((r) => r.plan_id), excluded: [],
  };
}

async function findPartners(ctx: TxContext, fromId: string, toId: string): Promise<Result<[PartnerRow, PartnerRow], DomainError>> {
  const rows = await ctx.tx.selectFrom('partners').selectAll().where('id', 'in', [fromId, toId]).execute();
  const seller = rows.find((r) => r.id === fromId), buyer = rows.find((r) => r.id === toId);
  if (!seller) return err(domainError('not_found', 'no selling partner with that id', 'fromPartnerId'));
  if (!buyer) return err(domainError('not_found', 'no buying partner with that id', 'toPartnerId'));
  if (buyer.status !== 'active') return err(domainError('validation_failed', `the buying partner is ${buyer.status}`, 'toPartnerId'));
  return ok([seller, buyer]);
}

/** New funding version per plan (seller replaced by buyer, same share and place), and one ledger entry per customer. */
async function moveOwnership(ctx: TxContext, input: TransferInput, plans: SelectedPlan[]) {
  const reason = JSON.stringify({ kind: 'transfer', transferId: input.transferId, from: input.fromPartnerId, to: input.toPartnerId, reason: input.reason });
  await ctx.tx.insertInto('plan_funding').values(plans.flatMap((p) => p.lenders.map((l, seq) => ({
    customer_id: p.customerId, plan_id: p.planId, version: p.version + 1, seq, partner_id: l.partnerId === input.fromPartnerId ? input.toPartnerId : l.partnerId,
    share_bp: l.shareBp, effective_date: input.effectiveDate, reason, transfer_id: input.transferId, created_at: ctx.at,
  })))).execute();
  for (const [customerId, own] of byCustomer(plans)) {
    const entryId = await postJournal(ctx.tx, { customerId, businessDate: ctx.businessDate, at: ctx.at, ids: ctx.deps.ids }, transferEntry(input.transferId, own));
    await ctx.tx.insertInto('portfolio_transfer_plans').values(own.map((p) => ({
      customer_id: customerId, transfer_id: input.transferId, plan_id: p.planId, share_bp: p.lenders.find((l) => l.partnerId === input.fromPartnerId)!.shareBp,
      principal_fen: p.principalFen, entry_id: entryId,
    }))).execute();
  }
}

/** One notice per customer, however many of their plans moved, with where to pay from now on. */
async function notifyCustomers(ctx: TxContext, input: TransferInput, plans: SelectedPlan[], seller: PartnerRow, buyer: PartnerRow) {
  const timelines = await loadTimelines(ctx.tx);
  for (const [customerId, own] of byCustomer(plans)) {
    const where = await resolveEntrance(ctx.tx, customerId, own[0]!.planId, ctx.at, timelines);
    const payAt = where.ok && where.value.payAt ? { name: where.value.payAt.name, url: where.value.payAt.url } : null;
    const notice = transferNotice({
      effectiveDate: input.effectiveDate, newLender: buyer.name, previousLender: seller.name, planIds: own.map((p) => p.planId),
      payAt,
    });
    await queueNotice(ctx, customerId, 'portfolio_transfer', transferNoticeKey(input.transferId), notice, [{
      kind: 'loan_transferred', ref: transferNoticeKey(input.transferId), facts: { lender: shortName(buyer.name, 40), effectiveDate: input.effectiveDate },
    }]);
  }
}

function byCustomer(plans: SelectedPlan[]): Map<string, SelectedPlan[]> {
  const m = new Map<string, SelectedPlan[]>();
  for (const p of plans) m.set(p.customerId, [...(m.get(p.customerId) ?? []), p]);
  return m;
}
