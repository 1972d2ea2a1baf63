import { invariant } from '../result.ts';
import type { Fen } from '../money/fen.ts';
import type { AccountCode } from './accounts.ts';

/**
 * A posting moves an amount from one account to another (Formance's model): a debit and a
 * credit of the same amount in one row, so an entry made of postings balances by
 * construction — there is no way to write half of it.
 */
export interface Posting {
  debit: AccountCode;
  credit: AccountCode;
  amount: Fen;
  /** The plan this posting belongs to, for the plan sub-ledger; absent for customer-level money. */
  planId?: string;
}

export const JOURNAL_KINDS = [
  'plan.originated', 'repayment', 'repayment.reversed', 'refund', 'return', 'waiver', 'penalty.accrued',
  'income.earned', 'writeoff', 'credit_balance.refund', 'partner.transfer', 'settlement',
  /** 协商还款: the old schedule's balances moved onto the new one, and the penalty waived. */
  'hardship.restructure',
] as const;
export type JournalKind = (typeof JOURNAL_KINDS)[number];

export interface JournalEntry {
  kind: JournalKind;
  postings: Posting[];
  /** What caused it: a repayment id, a plan id, a close run. */
  reference: string;
}

/** Builds an entry, dropping zero postings and asserting every amount is a positive whole fen. */
export function journal(kind: JournalKind, reference: string, postings: Posting[]): JournalEntry {
  const kept = postings.filter((p) => p.amount !== 0);
  for (const p of kept) {
    invariant(Number.isSafeInteger(p.amount) && p.amount > 0, `posting amount must be positive fen, got ${p.amount}`);
    invariant(p.debit !== p.credit, 'a posting moves money between two different accounts');
  }
  return { kind, reference, postings: kept };
}

/** Net balance change per account (debit-positive) of a set of postings: sums to zero always. */
export function netByAccount(postings: readonly Posting[]): Map<AccountCode, Fen> {
  const net = new Map<AccountCode, Fen>();
  for (const p of postings) {
    net.set(p.debit, (net.get(p.debit) ?? 0) + p.amount);
    net.set(p.credit, (net.get(p.credit) ?? 0) - p.amount);
  }
  return net;
}
