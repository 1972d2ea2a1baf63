import type { Fen } from '../money/fen.ts';

/**
 * 年化利率 as the PBoC's 2021 disclosure rule asks: the internal rate of return of the
 * customer's actual cash flows (receives `financed` at time 0, pays `payments[k]` at the end
 * of month k+1), as a monthly rate × 12. Every fee is in the payments, so nothing hides.
 * Returns the annual rate as a fraction (0.1295 for 12.95%). Periods are whole months: the
 * rule's own worked examples use monthly periods regardless of a month's length.
 */
export function annualisedIrr(financed: Fen, payments: readonly Fen[]): number {
  if (financed <= 0 || payments.length === 0) return 0;
  let total = 0;
  for (const p of payments) total += p;
  if (total <= financed) return total === financed ? 0 : -monthlyIrr(financed, payments, -0.99, 0) * -12;
  return monthlyIrr(financed, payments, 0, 1) * 12;
}

/** Present value of payments at monthly rate i, minus what was lent. Decreasing in i. */
function npv(financed: number, payments: readonly number[], i: number): number {
  let pv = 0;
  let discount = 1;
  const factor = 1 / (1 + i);
  for (let k = 0; k < payments.length; k++) {
    discount *= factor;
    pv += payments[k]! * discount;
  }
  return pv - financed;
}

/** Bisection on a bracket where npv changes sign: slow-ish but cannot diverge; 60 steps reach float precision. */
function monthlyIrr(financed: number, payments: readonly number[], lo: number, hi: number): number {
  while (npv(financed, payments, hi) > 0 && hi < 1e6) hi *= 2;
  for (let step = 0; step < 200; step++) {
    const mid = (lo + hi) / 2;
    if (npv(financed, payments, mid) > 0) lo = mid; else hi = mid;
    if (hi - lo < 1e-15) break;
  }
  return (lo + hi) / 2;
}

/** Formats an annual fraction as a percent string with `decimals` places, half-up (away from zero). */
export function formatPercent(fraction: number, decimals = 2): string {
  const scale = 10 ** decimals;
  const scaled = fraction * 100 * scale;
  // Snap float noise (12.9449999999) before rounding so the shown digits are stable.
  const snapped = Math.round(scaled * 1e6) / 1e6;
  const rounded = Math.sign(snapped) * Math.floor(Math.abs(snapped) + 0.5);
  return (rounded / scale).toFixed(decimals);
}
