import type { BusinessDate } from '../calendar/business-date.ts';
import { receivableAccount, type AccountCode } from '../ledger/accounts.ts';
import { journal, type JournalEntry, type Posting } from '../ledger/journal.ts';
import type { Fen } from '../money/fen.ts';
import type { InstallmentCharge, WriteOffLine } from './plan-day.ts';

/** Entries the close makes carry the date they close, so a reader of the journal can tell which run made them. */
export const closeReference = (date: BusinessDate): string => `eod:${date}`;

/** Interest and fees recognised at origination against unearned income become income on the due date. */
export function incomeEntry(planId: string, date: BusinessDate, income: { interest: Fen; fee: Fen }): JournalEntry {
  return journal('income.earned', closeReference(date), [
    { debit: 'unearned.interest', credit: 'income.interest', amount: income.interest, planId },
    { debit: 'unearned.fee', credit: 'income.fee', amount: income.fee, planId },
  ]);
}

/** Penalty interest and late fees are income when charged (no unearned stage: they are owed at once). */
export function chargesEntry(planId: string, date: BusinessDate, charges: readonly InstallmentCharge[]): JournalEntry {
  const amount = charges.reduce((s, c) => s + c.amount, 0);
  return journal('penalty.accrued', closeReference(date), [{ debit: 'receivable.penalty', credit: 'income.penalty', amount, planId }]);
}

/** 核销: earned amounts to the write-off expense; interest and fees never earned back against unearned income. */
export function writeOffEntry(planId: string, date: BusinessDate, lines: readonly WriteOffLine[]): JournalEntry {
  const totals = new Map<string, Posting>();
  for (const l of lines) {
    const debit: AccountCode = l.earned || l.component === 'principal' || l.component === 'penalty'
      ? 'expense.writeoff' : l.component === 'interest' ? 'unearned.interest' : 'unearned.fee';
    const credit = receivableAccount(l.component);
    const key = `${debit}>${credit}`;
    const p = totals.get(key) ?? { debit, credit, amount: 0, planId };
    p.amount += l.amount;
    totals.set(key, p);
  }
  return journal('writeoff', closeReference(date), [...totals.values()]);
}
