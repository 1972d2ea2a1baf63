import type { Fen } from '../money/fen.ts';
import { splitByShares, type Lender } from './shares.ts';

/**
 * The checkout routing rule (资金路由), pure: which partner funds a new plan, and why.
 *
 * A partner is in scope when it is active, funds the product and serves the merchant (an
 * empty merchant list serves every merchant). Partners in scope are tried by priority (lower
 * first; ties by code, so the answer never depends on row order), and the first whose
 * co-lending arrangement has quota left for every lender's share wins. When no partner is in
 * scope the platform funds the plan itself (a store running without partners); when some
 * are in scope but none has quota, checkout is declined rather than silently funded by
 * someone who never agreed to it.
 */
export interface PartnerForRouting {
  id: string;
  code: string;
  status: 'active' | 'paused' | 'retired';
  priority: number;
  productIds: readonly string[];
  merchantIds: readonly string[];
  /** The co-lending arrangement this partner leads; [{itself, 100%}] when it lends alone. */
  lenders: readonly Lender[];
  quotaFen: Fen;
  quotaUsedFen: Fen;
}

export interface RouteInput { productId: string; merchantId: string; financedFen: Fen }

export type RouteVerdict = 'chosen' | 'not_active' | 'product_not_funded' | 'merchant_not_served' | 'quota_short' | 'co_lender_short' | 'not_needed';

export interface RoutedLender extends Lender { amountFen: Fen }

export interface Routing {
  /** Empty when the platform funds the plan. */
  lenders: RoutedLender[];
  leadPartnerId: string | null;
  reason: string;
  considered: { partnerId: string; code: string; priority: number; verdict: RouteVerdict }[];
}

export type RouteOutcome = { ok: true; routing: Routing } | { ok: false; reason: string; considered: Routing['considered'] };

export function routeFunding(partners: readonly PartnerForRouting[], input: RouteInput): RouteOutcome {
  const byId = new Map(partners.map((p) => [p.id, p]));
  const ordered = [...partners].sort((a, b) => a.priority - b.priority || a.code.localeCompare(b.code));
  const considered: Routing['considered'] = [];
  let chosen: { partner: PartnerForRouting; lenders: RoutedLender[] } | null = null;
  let inScope = 0;
  for (const p of ordered) {
    const scope = scopeVerdict(p, input);
    if (scope) { considered.push(entry(p, scope)); continue; }
    inScope += 1;
    if (chosen) { considered.push(entry(p, 'not_needed')); continue; }
    const quota = quotaVerdict(p, byId, input.financedFen);
    if (quota.verdict !== 'chosen') { considered.push(entry(p, quota.verdict)); continue; }
    chosen = { partner: p, lenders: quota.lenders };
    considered.push(entry(p, 'chosen'));
  }
  if (chosen) {
    const names = chosen.lenders.map((l) => `${byId.get(l.partnerId)!.code} ${l.shareBp / 100}%`).join(' + ');
    return { ok: true, routing: { lenders: chosen.lenders, leadPartnerId: chosen.partner.id, considered, reason: `${names}: highest-priority partner funding this product for this merchant with quota left` } };
  }
  if (inScope === 0) return { ok: true, routing: { lenders: [], leadPartnerId: null, considered, reason: 'no partner funds this product for this merchant: funded by the platform' } };
  return { ok: false, considered, reason: 'every partner funding this product has used its quota' };
}

function entry(p: PartnerForRouting, verdict: RouteVerdict) {
  return { partnerId: p.id, code: p.code, priority: p.priority, verdict };
}

function scopeVerdict(p: PartnerForRouting, input: RouteInput): RouteVerdict | null {
  if (p.status !== 'active') return 'not_active';
  if (!p.productIds.includes(input.productId)) return 'product_not_funded';
  if (p.merchantIds.length > 0 && !p.merchantIds.includes(input.merchantId)) return 'merchant_not_served';
  return null;
}

/** Every lender of the arrangement must be active and have quota for its own share. */
function quotaVerdict(p: PartnerForRouting, byId: Map<string, PartnerForRouting>, financed: Fen): { verdict: RouteVerdict; lenders: RoutedLender[] } {
  const amounts = splitByShares(financed, p.lenders.map((l) => l.shareBp));
  const lenders = p.lenders.map((l, i) => ({ ...l, amountFen: amounts[i]! }));
  for (const l of lenders) {
    const lender = byId.get(l.partnerId);
    const short = !lender || lender.status !== 'active' || lender.quotaFen - lender.quotaUsedFen < l.amountFen;
    if (short) return { verdict: l.partnerId === p.id ? 'quota_short' : 'co_lender_short', lenders: [] };
  }
  return { verdict: 'chosen', lenders };
}
