import { sql } from 'kysely';
import type { Db } from '../../adapters/db/tx.ts';
import { parseBusinessDate, type BusinessDate } from '../../core/calendar/business-date.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import { ACCOUNTS, type AccountCode } from '../../core/ledger/accounts.ts';
import { err, ok, type Result } from '../../core/result.ts';

export interface TrialBalanceLine { account: string; name: string; normalSide: 'debit' | 'credit'; debitFen: number; creditFen: number; balanceFen: number }
export interface TrialBalance { from: BusinessDate | null; to: BusinessDate | null; lines: TrialBalanceLine[]; totals: { debitFen: number; creditFen: number }; balanced: boolean }
export interface DateRange { from?: BusinessDate; to?: BusinessDate }

/** Both ends optional and inclusive; a reversed range is a mistake worth saying so. */
export function parseDateRange(input: { from?: string; to?: string }): Result<DateRange, DomainError> {
  const range: DateRange = {};
  for (const key of ['from', 'to'] as const) {
    if (input[key] === undefined) continue;
    const d = parseBusinessDate(input[key], key);
    if (!d.ok) return d;
    range[key] = d.value;
  }
  if (range.from && range.to && range.from > range.to) return err(domainError('date_invalid', `from (${range.from}) is after to (${range.to})`, 'from'));
  return ok(range);
}

/**
 * Debits and credits per account for postings with a business date in the range. Without
 * `from` the figures are balances as of `to`; with it they are the period's movements. The
 * balance is on the account's normal side, so a healthy receivable or payable is positive.
 */
export async function trialBalance(db: Db, range: DateRange): Promise<TrialBalance> {
  const from = range.from ?? '0001-01-01';
  const to = range.to ?? '9999-12-31';
  const rows = await sql<{ account: string; debit: number; credit: number }>`
    select account, sum(debit)::bigint as debit, sum(credit)::bigint as credit from (
      select debit_account as account, amount_fen as debit, 0::bigint as credit from postings where business_date between ${from} and ${to}
      union all
      select credit_account, 0::bigint, amount_fen from postings where business_date between ${from} and ${to}
    ) x group by account order by account`.execute(db);
  const lines = rows.rows.map((r) => {
    const chart = ACCOUNTS[r.account as AccountCode];
    const normalSide = chart?.normal ?? 'debit';
    return {
      account: r.account, name: chart?.name ?? r.account, normalSide, debitFen: r.debit, creditFen: r.credit,
      balanceFen: normalSide === 'debit' ? r.debit - r.credit : r.credit - r.debit,
    };
  });
  const debitFen = lines.reduce((s, l) => s + l.debitFen, 0);
  const creditFen = lines.reduce((s, l) => s + l.creditFen, 0);
  return { from: range.from ?? null, to: range.to ?? null, lines, totals: { debitFen, creditFen }, balanced: debitFen === creditFen };
}
