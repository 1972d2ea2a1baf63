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

/** Present value of payments at monthly rate i, minus what was lent (decreasing and convex in i), and its slope. */
function npvAndSlope(financed: number, payments: readonly number[], i: number): { npv: number; slope: number } {
  let pv = 0;
  let slope = 0;
  let discount = 1;
  const factor = 1 / (1 + i);
  for (let k = 0; k < payments.length; k++) {
    discount *= factor;
    pv += payments[k]! * discount;
    slope -= (k + 1) * payments[k]! * discount;
  }
  return { npv: pv - financed, slope: slope * factor };
}

/**
 * Newton's method inside a bisection bracket (rtsafe): a Newton step is taken only if it stays
 * in the bracket and is under half the step before last; otherwise the bracket is bisected.
 * So it converges at least as surely as plain bisection, and on ordinary schedules it reaches
 * float precision in about 5 passes instead of ~50. Far from the root (steeply negative rates)
 * Newton's steps are tiny and the halving rule hands over to bisection.
 */
function monthlyIrr(financed: number, payments: readonly number[], lo: number, hi: number): number {
  while (npvAndSlope(financed, payments, hi).npv > 0 && hi < 1e6) hi *= 2;
  // From a non-negative low end npv > 0 and Newton climbs monotonically (npv is convex and
  // decreasing); below zero start mid-bracket as bisection did, since (1+i)^-n overflows near -1.
  let x = lo >= 0 ? lo : (lo + hi) / 2;
  let stepBeforeLast = hi - lo;
  let lastStep = stepBeforeLast;
  for (let pass = 0; pass < 200; pass++) {
    const { npv, slope } = npvAndSlope(financed, payments, x);
    if (npv === 0) return x;
    if (npv > 0) lo = x; else hi = x;
    const newton = x - npv / slope;
    const useNewton = newton > lo && newton < hi && Math.abs(2 * (newton - x)) <= Math.abs(stepBeforeLast);
    const next = useNewton ? newton : (lo + hi) / 2;
    stepBeforeLast = lastStep;
    lastStep = next - x;
    if (Math.abs(lastStep) < 1e-15 || hi - lo < 1e-15) return next;
    x = next;
  }
  return x;
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
