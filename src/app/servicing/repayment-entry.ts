import { journal, type JournalEntry, type Posting } from '../../core/ledger/journal.ts';
import { receivableAccount, type AccountCode } from '../../core/ledger/accounts.ts';
import type { Fen } from '../../core/money/fen.ts';
import type { PlanAllocation } from './plan-allocation.ts';
import { earnedKey, type EarnedKey } from './earned-installments.ts';

const NONE_EARNED: ReadonlySet<EarnedKey> = new Set();

/** Where a repayment's money comes from: a channel's cash-in-transit account, or the customer's credit balance. */
export function sourceAccount(channel: string): AccountCode {
  return channel === 'credit_balance' ? 'customer.credit_balance' : (`cash.${channel}` as AccountCode);
}

/**
 * A repayment: cash (or credit balance) debited, receivables credited per plan and
 * component, the unapplied rest to the customer's credit balance, and a charge outside the
 * schedule (an early-repayment fee) straight to fee income.
 */
export function repaymentEntry(repaymentId: string, channel: string, parts: PlanAllocation[], unapplied: Fen, charges: Fen): JournalEntry {
  const source = sourceAccount(channel);
  const postings: Posting[] = [];
  for (const part of parts) {
    for (const a of part.allocations) postings.push({ debit: source, credit: receivableAccount(a.component), amount: a.amount, planId: part.planId });
  }
  postings.push({ debit: source, credit: 'customer.credit_balance', amount: unapplied });
  postings.push({ debit: source, credit: 'income.fee', amount: charges });
  return journal('repayment', repaymentId, postings.filter((p) => p.debit !== p.credit));
}

/** The exact mirror of a repayment entry: what was credited is debited back. */
export function reversalEntry(original: JournalEntry, reversalRef: string): JournalEntry {
  return journal('repayment.reversed', reversalRef, original.postings.map((p) => ({ ...p, debit: p.credit, credit: p.debit })));
}

/**
 * Waivers (减免): interest and fees not yet earned go back against unearned income; once the
 * daily close has earned an installment (`earned` holds it), against that income; penalties,
 * recognised as income when charged, and principal are an expense.
 */
export function waiverEntry(reference: string, parts: PlanAllocation[], kind: 'waiver' | 'return' = 'waiver', earned: ReadonlySet<EarnedKey> = NONE_EARNED): JournalEntry {
  const postings: Posting[] = [];
  for (const part of parts) {
    for (const w of part.allocations) {
      const isEarned = earned.has(earnedKey(part.planId, w.installmentNumber));
      const debit: AccountCode = w.component === 'interest' ? (isEarned ? 'income.interest' : 'unearned.interest')
        : w.component === 'fee' ? (isEarned ? 'income.fee' : 'unearned.fee') : 'expense.waiver';
      postings.push({ debit, credit: receivableAccount(w.component), amount: w.amount, planId: part.planId });
    }
  }
  return journal(kind, reference, postings);
}
