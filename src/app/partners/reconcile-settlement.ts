import type { BusinessDate } from '../../core/calendar/business-date.ts';
import { netByAccount, type Posting } from '../../core/ledger/journal.ts';
import type { AccountCode } from '../../core/ledger/accounts.ts';
import { settlementEntry, totalsOf, type SettlementAmounts } from '../../core/partners/settlement.ts';
import type { Db } from '../../adapters/db/tx.ts';
import { ledgerLines } from './settlement-sources.ts';
import type { SettlementRow } from './settle-partner-day.ts';

export interface SettlementCheck { partnerId: string; date: BusinessDate; ok: boolean; differences: string[] }

const fromRow = (r: SettlementRow): SettlementAmounts => ({
  principalFunded: r.principal_funded_fen, merchantSubsidy: r.merchant_subsidy_fen, returnedPrincipal: r.returned_principal_fen,
  collected: { principal: r.collected_principal_fen, interest: r.collected_interest_fen, fee: r.collected_fee_fen, penalty: r.collected_penalty_fen },
});

/**
 * Proves a stored settlement against the journal (对账): the day's postings on the partner's
 * plans, split by the same shares, give the same totals as the file; and the settlement's own
 * entry moves exactly those totals. Both failure kinds are listed, not thrown.
 */
export async function reconcileSettlement(db: Db, partnerId: string, date: BusinessDate): Promise<SettlementCheck> {
  const row = await db.selectFrom('partner_settlements').selectAll().where('partner_id', '=', partnerId).where('business_date', '=', date).executeTakeFirst();
  if (!row) return { partnerId, date, ok: false, differences: ['not settled'] };
  const stored = fromRow(row);
  const ledger = totalsOf(await ledgerLines(db, partnerId, date));
  const differences: string[] = [];
  const compare = (what: string, a: number, b: number) => { if (a !== b) differences.push(`${what}: file ${a} ≠ ledger ${b}`); };
  compare('principal funded', stored.principalFunded, ledger.principalFunded);
  compare('merchant subsidy', stored.merchantSubsidy, ledger.merchantSubsidy);
  compare('returned principal', stored.returnedPrincipal, ledger.returnedPrincipal);
  for (const c of ['principal', 'interest', 'fee', 'penalty'] as const) compare(`collected ${c}`, stored.collected[c], ledger.collected[c]);
  compare('plans', row.plans, ledger.plans);
  compare('net due', row.net_due_fen, ledger.netDue);
  differences.push(...await entryDifferences(db, row, stored));
  return { partnerId, date, ok: differences.length === 0, differences };
}

async function entryDifferences(db: Db, row: SettlementRow, stored: SettlementAmounts): Promise<string[]> {
  const expected = netByAccount(settlementEntry(row.partner_id, row.business_date, stored).postings);
  const posted: Posting[] = row.entry_id
    ? (await db.selectFrom('postings').select(['debit_account', 'credit_account', 'amount_fen']).where('entry_id', '=', row.entry_id).execute())
      .map((p) => ({ debit: p.debit_account as AccountCode, credit: p.credit_account as AccountCode, amount: p.amount_fen }))
    : [];
  const actual = netByAccount(posted);
  const out: string[] = [];
  for (const account of new Set([...expected.keys(), ...actual.keys()])) {
    const e = expected.get(account) ?? 0, a = actual.get(account) ?? 0;
    if (e !== a) out.push(`settlement entry ${account}: expected ${e}, posted ${a}`);
  }
  return out;
}
