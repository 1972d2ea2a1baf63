import { journal, type JournalEntry, type Posting } from '../../core/ledger/journal.ts';
import { receivableAccount, type AccountCode, type Component } from '../../core/ledger/accounts.ts';
import type { Fen } from '../../core/money/fen.ts';

export interface ComponentAmounts { principal: Fen; interest: Fen; fee: Fen; penalty: Fen }

/**
 * What a return takes off the customer's receivable: principal goes back to the merchant
 * (the merchant now owes the financed money back), interest and fees never earned go back
 * against unearned income, penalties are written off as a waiver expense.
 */
export function receivableRelief(planId: string, c: ComponentAmounts): Posting[] {
  const against: Record<Component, AccountCode> = {
    principal: 'merchant.payable', interest: 'unearned.interest', fee: 'unearned.fee', penalty: 'expense.waiver',
  };
  return (['principal', 'interest', 'fee', 'penalty'] as const).map((k) => ({ debit: against[k], credit: receivableAccount(k), amount: c[k], planId }));
}

/**
 * Money the customer already paid that a return gives back, into their credit balance:
 * principal funded by the merchant; interest and fees from unearned income while unearned,
 * from income once earned.
 */
export function refundToCreditBalance(planId: string, principal: Fen, interest: { unearned: Fen; earned: Fen }, fee: { unearned: Fen; earned: Fen }): Posting[] {
  return [
    { debit: 'merchant.payable', credit: 'customer.credit_balance', amount: principal, planId },
    { debit: 'unearned.interest', credit: 'customer.credit_balance', amount: interest.unearned, planId },
    { debit: 'income.interest', credit: 'customer.credit_balance', amount: interest.earned, planId },
    { debit: 'unearned.fee', credit: 'customer.credit_balance', amount: fee.unearned, planId },
    { debit: 'income.fee', credit: 'customer.credit_balance', amount: fee.earned, planId },
  ];
}

export function returnEntry(returnId: string, postings: Posting[]): JournalEntry {
  return journal('return', returnId, postings);
}
