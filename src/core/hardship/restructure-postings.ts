import type { Posting } from '../ledger/journal.ts';
import type { RestructureFigures } from './restructure.ts';

/**
 * The ledger side of a restructure, apart from the penalty waiver (posted like any waiver).
 * Receivables move with the schedule: earned interest, fees and the penalty kept become
 * principal receivable (capitalised); unearned interest and fees of the old schedule go back
 * against unearned income and the new schedule's come in, netted per component. Outstanding
 * principal only changes installments, so it needs no posting.
 */
export function restructurePostings(planId: string, f: RestructureFigures): Posting[] {
  const penaltyKept = f.penaltyOutstanding - f.penaltyWaived;
  const net = (amount: number, unearned: 'unearned.interest' | 'unearned.fee', receivable: 'receivable.interest' | 'receivable.fee'): Posting =>
    amount >= 0 ? { debit: receivable, credit: unearned, amount, planId } : { debit: unearned, credit: receivable, amount: -amount, planId };
  return [
    { debit: 'receivable.principal', credit: 'receivable.interest', amount: f.arrearsInterest, planId },
    { debit: 'receivable.principal', credit: 'receivable.fee', amount: f.arrearsFee, planId },
    { debit: 'receivable.principal', credit: 'receivable.penalty', amount: penaltyKept, planId },
    net(f.newInterest - f.unearnedInterestDropped, 'unearned.interest', 'receivable.interest'),
    net(f.newFee - f.unearnedFeeDropped, 'unearned.fee', 'receivable.fee'),
  ];
}
