import { journal, type JournalEntry } from '../../core/ledger/journal.ts';
import type { Quote } from '../../core/pricing/quote.ts';

/**
 * Plan created and merchant paid, as one entry: the customer now owes the whole schedule
 * (principal, and interest and fees as yet unearned), and the merchant is paid the financed
 * amount from partner funding less any interest-free subsidy the merchant bears.
 */
export function originationEntry(planId: string, q: Quote): JournalEntry {
  return journal('plan.originated', planId, [
    { debit: 'receivable.principal', credit: 'merchant.payable', amount: q.financed, planId },
    { debit: 'receivable.interest', credit: 'unearned.interest', amount: q.totalInterest, planId },
    { debit: 'receivable.fee', credit: 'unearned.fee', amount: q.totalFees, planId },
    { debit: 'merchant.payable', credit: 'partner.funding', amount: q.financed - q.merchantSubsidy, planId },
    { debit: 'merchant.payable', credit: 'income.subsidy', amount: q.merchantSubsidy, planId },
  ]);
}
