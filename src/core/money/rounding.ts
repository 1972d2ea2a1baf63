/**
 * Rounding modes are data (GUIDE rule 2): a product names one and every plan records it,
 * so a schedule can be recomputed years later exactly as it was first shown.
 */
export const ROUNDING_MODES = ['half-up', 'half-even', 'down', 'up'] as const;
export type RoundingMode = (typeof ROUNDING_MODES)[number];

export const DEFAULT_ROUNDING: RoundingMode = 'half-up';

export function isRoundingMode(value: unknown): value is RoundingMode {
  return typeof value === 'string' && (ROUNDING_MODES as readonly string[]).includes(value);
}

/**
 * Integer division of non-negative or negative bigints with a named rounding mode.
 * "half-up" means half away from zero, the convention of Chinese bank statements.
 */
export function divRound(numerator: bigint, denominator: bigint, mode: RoundingMode): bigint {
  if (denominator === 0n) throw new Error('division by zero');
  if (denominator < 0n) return divRound(-numerator, -denominator, mode);
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  const q = n / denominator;
  const r = n % denominator;
  let magnitude = q;
  if (r !== 0n) {
    const twice = 2n * r;
    switch (mode) {
      case 'down':
        break;
      case 'up':
        magnitude = q + 1n;
        break;
      case 'half-up':
        if (twice >= denominator) magnitude = q + 1n;
        break;
      case 'half-even':
        if (twice > denominator || (twice === denominator && q % 2n === 1n)) magnitude = q + 1n;
        break;
    }
  }
  return negative ? -magnitude : magnitude;
}
