import type { BusinessDate } from '../calendar/business-date.ts';
import type { AccountCode, Component } from '../ledger/accounts.ts';
import { journal, type JournalEntry, type Posting } from '../ledger/journal.ts';
import type { Fen } from '../money/fen.ts';
import { formatYuan } from '../money/parse.ts';

/**
 * Daily net settlement (日终轧差) with one partner for one business date, all amounts being
 * the partner's share. The platform pays merchants for the partner's new plans and collects
 * the partner's repayments; the two flows are netted into one transfer:
 *
 *   net due = collections (principal + interest + fee + penalty) + returned principal
 *             − (principal funded − merchant subsidy)
 *
 * Positive: the platform pays the partner; negative: the partner pays the platform. The
 * merchant subsidy of an interest-free plan is the partner's yield on it, so the partner
 * pays the merchant the financed amount less the subsidy.
 */
export interface SettlementAmounts {
  principalFunded: Fen;
  merchantSubsidy: Fen;
  collected: Record<Component, Fen>;
  returnedPrincipal: Fen;
}
export interface SettlementLine extends SettlementAmounts { planId: string }
export interface SettlementTotals extends SettlementAmounts { plans: number; netDue: Fen }

export const emptyAmounts = (): SettlementAmounts => ({
  principalFunded: 0, merchantSubsidy: 0, collected: { principal: 0, interest: 0, fee: 0, penalty: 0 }, returnedPrincipal: 0,
});

export const collectedTotal = (a: SettlementAmounts): Fen => a.collected.principal + a.collected.interest + a.collected.fee + a.collected.penalty;

export const netDue = (a: SettlementAmounts): Fen => collectedTotal(a) + a.returnedPrincipal - (a.principalFunded - a.merchantSubsidy);

export function totalsOf(lines: readonly SettlementLine[]): SettlementTotals {
  const t = emptyAmounts();
  for (const l of lines) {
    t.principalFunded += l.principalFunded;
    t.merchantSubsidy += l.merchantSubsidy;
    t.returnedPrincipal += l.returnedPrincipal;
    for (const c of ['principal', 'interest', 'fee', 'penalty'] as const) t.collected[c] += l.collected[c];
  }
  return { ...t, plans: lines.length, netDue: netDue(t) };
}

export const settlementReference = (partnerId: string, date: BusinessDate): string => `settlement:${partnerId}:${date}`;

/**
 * The ledger side. Origination already credited partner.funding with what the partner paid
 * the merchant, so funding needs no posting here. The entry records (1) the merchant
 * subsidy passing from platform income to the partner's stake, which makes the stake equal
 * the financed principal the partner will collect, and (2) collections and returned principal
 * leaving by bank transfer: principal out of the partner's stake, interest, fees and
 * penalties out of the income accounts they were recognised in (they are the partner's).
 * The bank pays the net; the gross shown here minus the merchant payouts it netted is that
 * net. A day whose reversals exceed its collections posts the other way round.
 */
export function settlementEntry(partnerId: string, date: BusinessDate, t: SettlementAmounts): JournalEntry {
  const move = (from: AccountCode, to: AccountCode, amount: Fen): Posting =>
    (amount >= 0 ? { debit: from, credit: to, amount } : { debit: to, credit: from, amount: -amount });
  return journal('settlement', settlementReference(partnerId, date), [
    move('income.subsidy', 'partner.funding', t.merchantSubsidy),
    move('partner.funding', 'cash.bank', t.collected.principal + t.returnedPrincipal),
    move('income.interest', 'cash.bank', t.collected.interest),
    move('income.fee', 'cash.bank', t.collected.fee),
    move('income.penalty', 'cash.bank', t.collected.penalty),
  ]);
}

/**
 * The settlement file, one line per plan with any movement and a TOTAL line. Amounts are yuan
 * with two decimals; net_due is positive when the platform pays the partner. The header is
 * fixed: partners parse it, so columns are only ever appended.
 */
export const SETTLEMENT_CSV_HEADER = [
  'partner_code', 'business_date', 'plan_id', 'principal_funded', 'merchant_subsidy', 'collected_principal', 'collected_interest',
  'collected_fee', 'collected_penalty', 'returned_principal', 'net_due',
].join(',');

export function settlementCsv(partnerCode: string, date: BusinessDate, lines: readonly SettlementLine[], totals: SettlementTotals): string {
  const row = (planId: string, a: SettlementAmounts) => [
    partnerCode, date, planId, a.principalFunded, a.merchantSubsidy, a.collected.principal, a.collected.interest, a.collected.fee,
    a.collected.penalty, a.returnedPrincipal, netDue(a),
  ].map((v) => (typeof v === 'number' ? formatYuan(v) : v)).join(',');
  const sorted = [...lines].sort((a, b) => a.planId.localeCompare(b.planId));
  return [SETTLEMENT_CSV_HEADER, ...sorted.map((l) => row(l.planId, l)), row('TOTAL', totals)].join('\n') + '\n';
}
