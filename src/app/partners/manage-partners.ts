import { domainError, type DomainError } from '../../core/errors.ts';
import type { Fen } from '../../core/money/fen.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { FULL_SHARE_BP, percentToBp, validateLenders, type Lender } from '../../core/partners/shares.ts';
import { isUniqueViolation } from '../../adapters/db/tx.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import { findPartner, type PartnerRow } from './partner-store.ts';

export interface LenderInput { partnerId?: string; percent: string }
export interface PartnerInput {
  code: string; name: string; priority: number; quotaFen: Fen; productIds: string[]; merchantIds: string[];
  /** The co-lending arrangement this partner leads; omitted: it lends alone. A lender without partnerId is this partner. */
  lenders?: LenderInput[]; settlementAccount?: string | null; status?: PartnerRow['status'];
}

/** 资金方: a partner with the products it funds, its quota, its co-lenders and how it settles. */
export async function createPartner(ctx: TxContext, input: PartnerInput): Promise<Result<PartnerRow, DomainError>> {
  const id = ctx.deps.ids.next();
  const checked = await checkInput(ctx, id, input);
  if (!checked.ok) return checked;
  try {
    await ctx.tx.insertInto('partners').values({
      id, code: input.code, name: input.name, status: input.status ?? 'active', priority: input.priority, quota_fen: input.quotaFen,
      lenders: JSON.stringify(checked.value), product_ids: JSON.stringify(input.productIds), merchant_ids: JSON.stringify(input.merchantIds),
      settlement_mode: 'daily_net', settlement_account: input.settlementAccount ?? null, created_at: ctx.at, updated_at: ctx.at,
    }).execute();
  } catch (e) {
    if (isUniqueViolation(e)) return err(domainError('conflict', `a partner with code ${input.code} exists`, 'code'));
    throw e;
  }
  await audit(ctx, 'partner.create', `partner:${id}`, { code: input.code, quotaFen: input.quotaFen, lenders: checked.value });
  return ok((await findPartner(ctx.tx, id))!);
}

/** Changes apply to new plans only: plans already funded keep the shares recorded for them. */
export async function updatePartner(ctx: TxContext, partnerId: string, patch: Partial<PartnerInput>): Promise<Result<PartnerRow, DomainError>> {
  const current = await ctx.tx.selectFrom('partners').selectAll().where('id', '=', partnerId).forUpdate().executeTakeFirst();
  if (!current) return err(domainError('not_found', 'no partner with that id', 'partnerId'));
  const merged: PartnerInput = {
    code: patch.code ?? current.code, name: patch.name ?? current.name, priority: patch.priority ?? current.priority,
    quotaFen: patch.quotaFen ?? current.quota_fen, productIds: patch.productIds ?? current.product_ids, merchantIds: patch.merchantIds ?? current.merchant_ids,
    lenders: patch.lenders ?? current.lenders.map((l) => ({ partnerId: l.partnerId, percent: String(l.shareBp / 100) })),
    settlementAccount: patch.settlementAccount === undefined ? current.settlement_account : patch.settlementAccount, status: patch.status ?? current.status,
  };
  const checked = await checkInput(ctx, partnerId, merged);
  if (!checked.ok) return checked;
  await ctx.tx.updateTable('partners').set({
    name: merged.name, priority: merged.priority, quota_fen: merged.quotaFen, product_ids: JSON.stringify(merged.productIds),
    merchant_ids: JSON.stringify(merged.merchantIds), lenders: JSON.stringify(checked.value), settlement_account: merged.settlementAccount ?? null,
    status: merged.status!, updated_at: ctx.at,
  }).where('id', '=', partnerId).execute();
  await audit(ctx, 'partner.update', `partner:${partnerId}`, { patch });
  return ok((await findPartner(ctx.tx, partnerId))!);
}

async function checkInput(ctx: TxContext, selfId: string, input: PartnerInput): Promise<Result<Lender[], DomainError>> {
  if (!Number.isSafeInteger(input.quotaFen) || input.quotaFen < 0) return err(domainError('amount_invalid', 'quota must not be negative', 'quota'));
  const lenders: Lender[] = [];
  for (const [i, l] of (input.lenders ?? [{ percent: '100' }]).entries()) {
    const bp = percentToBp(l.percent, `lenders.${i}.percent`);
    if (!bp.ok) return bp;
    lenders.push({ partnerId: l.partnerId ?? selfId, shareBp: bp.value });
  }
  const valid = validateLenders(lenders);
  if (!valid.ok) return valid;
  if (!lenders.some((l) => l.partnerId === selfId)) return err(domainError('validation_failed', 'the partner leading an arrangement must be one of its lenders', 'lenders'));
  const others = lenders.filter((l) => l.partnerId !== selfId).map((l) => l.partnerId);
  if (others.length > 0) {
    const found = await ctx.tx.selectFrom('partners').select('id').where('id', 'in', others).execute();
    if (found.length !== others.length) return err(domainError('not_found', 'a co-lender is not a known partner', 'lenders'));
  }
  if (input.productIds.length > 0) {
    const found = await ctx.tx.selectFrom('products').select('id').distinct().where('id', 'in', input.productIds).execute();
    if (found.length !== new Set(input.productIds).size) return err(domainError('product_not_found', 'a product in productIds does not exist', 'productIds'));
  }
  if (input.merchantIds.length > 0) {
    const found = await ctx.tx.selectFrom('merchants').select('id').where('id', 'in', input.merchantIds).execute();
    if (found.length !== new Set(input.merchantIds).size) return err(domainError('merchant_not_found', 'a merchant in merchantIds does not exist', 'merchantIds'));
  }
  return ok(lenders.length === 1 ? [{ partnerId: selfId, shareBp: FULL_SHARE_BP }] : lenders);
}
