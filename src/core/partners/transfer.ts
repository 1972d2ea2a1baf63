import type { BusinessDate } from '../calendar/business-date.ts';
import { journal, type JournalEntry, type Posting } from '../ledger/journal.ts';
import type { Fen } from '../money/fen.ts';

/**
 * Portfolio transfer (资产转让 / 回购): partner B buys partner A's share of a set of plans at
 * the principal outstanding at the start of the effective date. Two postings per plan, both
 * carrying the plan: A's stake is paid out and B's stake paid in through the bank. They
 * cancel in the account totals, which is right (the platform's books do not change, only
 * who the funding belongs to); which leg belongs to which partner is kept with the
 * transfer's plan rows (seq 2k is A's, 2k+1 is B's).
 */
export interface TransferredPlan { planId: string; principalFen: Fen }

export function transferEntry(transferId: string, plans: readonly TransferredPlan[]): JournalEntry {
  const postings: Posting[] = [];
  for (const p of plans) {
    if (p.principalFen === 0) continue;
    postings.push({ debit: 'partner.funding', credit: 'cash.bank', amount: p.principalFen, planId: p.planId });
    postings.push({ debit: 'cash.bank', credit: 'partner.funding', amount: p.principalFen, planId: p.planId });
  }
  return journal('partner.transfer', transferId, postings);
}

/** What a customer is told, once, about a transfer touching any of their plans. */
export interface TransferNotice {
  template: 'portfolio_transfer';
  effectiveDate: BusinessDate;
  newLender: string;
  previousLender: string;
  planIds: string[];
  changed: string[];
  unchanged: string[];
  payAt: { name: string; url: string } | null;
}

/**
 * The seed's customers were told to "find another app"; this notice says the opposite:
 * only the lender's name changes, everything the customer does stays the same, and here is
 * the one place to pay.
 */
export function transferNotice(input: {
  effectiveDate: BusinessDate; newLender: string; previousLender: string; planIds: string[]; payAt: { name: string; url: string } | null;
}): TransferNotice {
  return {
    template: 'portfolio_transfer', effectiveDate: input.effectiveDate, newLender: input.newLender, previousLender: input.previousLender, planIds: input.planIds,
    changed: [`自 ${input.effectiveDate} 起，您的分期由 ${input.newLender} 提供资金（原为 ${input.previousLender}）。From ${input.effectiveDate} your installments are funded by ${input.newLender}.`],
    unchanged: [
      '应还金额、还款计划和还款日都不变。Amounts, schedule and due dates are unchanged.',
      '账单、还款链接和自动扣款不变，无需任何操作。Bills, repayment links and auto-debit are unchanged; you need to do nothing.',
      '您的征信记录不会因此变化。Your credit record is not affected by this change.',
    ],
    payAt: input.payAt,
  };
}

export const transferNoticeKey = (transferId: string): string => `transfer:${transferId}`;
