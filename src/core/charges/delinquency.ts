import { addDays, daysBetween, type BusinessDate } from '../calendar/business-date.ts';
import { domainError, type DomainError } from '../errors.ts';
import { err, invariant, ok, type Result } from '../result.ts';
import { outstandingOf, type InstallmentState } from '../servicing/installment-state.ts';
import { owedBefore, owedTotal, type ChargeableInstallment, type PaymentRecord } from './payment-history.ts';

/**
 * Days past due (逾期天数) count from the due date, grace or not: grace only waives
 * charges, it does not make a late payment on time. Only principal, interest and fee make
 * an installment past due; unpaid penalty alone does not, so a few fen of 罚息 cannot keep
 * a customer in a delinquency bucket (or in a credit report).
 */
export function daysPastDue(inst: ChargeableInstallment, history: readonly PaymentRecord[], asOf: BusinessDate): number {
  if (asOf <= inst.dueDate) return 0;
  return owedTotal(owedBefore(inst, history, addDays(asOf, 1))) > 0 ? daysBetween(inst.dueDate, asOf) : 0;
}

/** Plan-level DPD from current states: counted from the oldest due date with something unpaid. */
export function daysPastDueOfStates(installments: readonly InstallmentState[], asOf: BusinessDate): number {
  let worst = 0;
  for (const inst of installments) {
    if (inst.dueDate >= asOf) continue;
    const owed = outstandingOf(inst, 'principal') + outstandingOf(inst, 'interest') + outstandingOf(inst, 'fee');
    if (owed > 0) worst = Math.max(worst, daysBetween(inst.dueDate, asOf));
  }
  return worst;
}

/** A delinquency bucket: DPD from minDays to maxDays inclusive; no maxDays means no upper end. */
export interface DelinquencyBucket {
  code: string;
  minDays: number;
  maxDays?: number;
}

/** The industry's M-buckets, as data so a product or a partner can bring its own. */
export const DEFAULT_DELINQUENCY_BUCKETS: readonly DelinquencyBucket[] = [
  { code: 'M0', minDays: 0, maxDays: 0 },
  { code: 'M1', minDays: 1, maxDays: 30 },
  { code: 'M2', minDays: 31, maxDays: 60 },
  { code: 'M3', minDays: 61, maxDays: 90 },
  { code: 'M4+', minDays: 91 },
];

/** Buckets must start at 0, follow each other without gap or overlap, and the last must be open. */
export function validateBuckets(buckets: readonly DelinquencyBucket[]): Result<readonly DelinquencyBucket[], DomainError> {
  const fail = (message: string) => err(domainError('validation_failed', message, 'delinquencyBuckets'));
  if (buckets.length === 0 || buckets[0]!.minDays !== 0) return fail('the first bucket must start at 0 days');
  for (let k = 0; k < buckets.length; k++) {
    const b = buckets[k]!;
    const last = k === buckets.length - 1;
    if (last !== (b.maxDays === undefined)) return fail('only the last bucket is open-ended');
    if (b.maxDays !== undefined && b.maxDays < b.minDays) return fail(`bucket ${b.code} ends before it starts`);
    if (!last && buckets[k + 1]!.minDays !== b.maxDays! + 1) return fail(`bucket ${buckets[k + 1]!.code} must start the day after ${b.code} ends`);
  }
  return ok(buckets);
}

export function delinquencyBucket(dpd: number, buckets: readonly DelinquencyBucket[] = DEFAULT_DELINQUENCY_BUCKETS): DelinquencyBucket {
  invariant(Number.isInteger(dpd) && dpd >= 0, 'days past due is a whole number ≥ 0');
  const found = buckets.find((b) => dpd >= b.minDays && (b.maxDays === undefined || dpd <= b.maxDays));
  invariant(found, `no delinquency bucket covers ${dpd} days`);
  return found;
}
