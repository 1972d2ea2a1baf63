import { domainError, type DomainError } from '../errors.ts';
import { mulDiv, type Fen } from '../money/fen.ts';
import { err, invariant, ok, type Result } from '../result.ts';

/**
 * A plan's funding is split between one partner or several co-lenders (联合贷). Shares are
 * basis points of the plan (10000 = all of it) so that "33.33%" is exact; every split of an
 * amount rounds each share down and gives the residue to the last lender in the list, so
 * the parts always add up to the amount to the fen.
 */
export const FULL_SHARE_BP = 10_000;

export interface Lender { partnerId: string; shareBp: number }

const PERCENT = /^(\d{1,3})(?:\.(\d{1,2}))?$/;

/** "60" or "33.33" (percent, at most two decimals) to basis points. */
export function percentToBp(input: string, field = 'percent'): Result<number, DomainError> {
  const m = PERCENT.exec(input);
  if (!m) return err(domainError('validation_failed', `${field} must be a percentage with at most two decimals, like "60" or "33.33"`, field));
  const bp = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  if (bp <= 0 || bp > FULL_SHARE_BP) return err(domainError('validation_failed', `${field} must be more than 0 and at most 100`, field));
  return ok(bp);
}

export const bpToPercent = (bp: number): string => {
  const whole = Math.floor(bp / 100);
  const frac = bp % 100;
  return frac === 0 ? String(whole) : `${whole}.${String(frac).padStart(2, '0').replace(/0$/, '')}`;
};

/** Lenders must be distinct partners whose shares add up to exactly 100%. */
export function validateLenders(lenders: readonly Lender[]): Result<Lender[], DomainError> {
  if (lenders.length === 0) return err(domainError('validation_failed', 'at least one lender is needed', 'lenders'));
  const ids = new Set(lenders.map((l) => l.partnerId));
  if (ids.size !== lenders.length) return err(domainError('validation_failed', 'a partner appears twice among the lenders', 'lenders'));
  const total = lenders.reduce((s, l) => s + l.shareBp, 0);
  if (total !== FULL_SHARE_BP) return err(domainError('validation_failed', `lenders' shares must add up to 100%; they add up to ${bpToPercent(total)}%`, 'lenders'));
  return ok([...lenders]);
}

/**
 * Splits an amount by the lenders' shares: each but the last gets amount × share rounded
 * down, the last absorbs the residue. A negative amount (a day whose reversals exceed its
 * collections) is split by its magnitude and given back its sign, so a reversal splits
 * exactly like the collection it undoes.
 */
export function splitByShares(amount: Fen, shares: readonly number[]): Fen[] {
  invariant(shares.length > 0, 'a split needs at least one share');
  invariant(shares.reduce((s, x) => s + x, 0) === FULL_SHARE_BP, 'shares add up to 100%');
  const sign = amount < 0 ? -1 : 1;
  const magnitude = Math.abs(amount);
  const parts = shares.map((bp) => mulDiv(magnitude, bp, FULL_SHARE_BP, 'down'));
  parts[parts.length - 1] = magnitude - parts.slice(0, -1).reduce((s, x) => s + x, 0);
  return parts.map((p) => (p === 0 ? 0 : p * sign));
}

/** The part of `amount` that falls to the lender at `index` in a split by `shares`. */
export const shareOf = (amount: Fen, shares: readonly number[], index: number): Fen => splitByShares(amount, shares)[index]!;
