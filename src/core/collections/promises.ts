import type { BusinessDate } from '../calendar/business-date.ts';
import { domainError, type DomainError } from '../errors.ts';
import type { Fen } from '../money/fen.ts';
import { err, ok, type Result } from '../result.ts';

/** A promise to pay (承诺还款) must fall within this many days: a longer arrangement is a hardship plan. */
export const PROMISE_HORIZON_DAYS = 30;

export function validatePromise(promisedOn: BusinessDate, amount: Fen, today: BusinessDate, horizonEnd: BusinessDate): Result<true, DomainError> {
  if (promisedOn < today) return err(domainError('validation_failed', 'a promise date cannot be in the past', 'promisedOn'));
  if (promisedOn > horizonEnd) return err(domainError('validation_failed', `a promise date must be within ${PROMISE_HORIZON_DAYS} days`, 'promisedOn'));
  if (amount <= 0) return err(domainError('amount_invalid', 'a promised amount must be positive', 'amount'));
  return ok(true);
}

/**
 * The close of `date` settles every open promise whose date is on or before it: the customer
 * had all of the promised day. Kept when what was paid on the plan since the promise was made
 * reaches the promised amount, broken otherwise.
 */
export function promiseOutcome(p: { promisedOn: BusinessDate; amount: Fen }, paidSince: Fen, date: BusinessDate): 'open' | 'kept' | 'broken' {
  if (paidSince >= p.amount) return 'kept';
  return p.promisedOn <= date ? 'broken' : 'open';
}
