/**
 * Seeded randomness for the simulator. Every draw is a pure function of (seed, keys): a
 * customer's choices do not depend on the order in which customers are processed, so a day's
 * actions can run concurrently and the same seed still gives the same portfolio.
 */

/** splitmix32 finaliser: a well-mixed 32-bit value from a 32-bit state. */
function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A 32-bit hash of the seed and the keys (customer index, purchase number, installment, purpose...). */
export function hashKeys(seed: number, keys: readonly number[]): number {
  let h = mix32(seed >>> 0);
  for (const k of keys) h = mix32((h ^ mix32(k >>> 0)) >>> 0);
  return h;
}

/** A uniform draw in [0, 1) for the keys. */
export function unit(seed: number, ...keys: number[]): number {
  return hashKeys(seed, keys) / 4_294_967_296;
}

/** A sequence of draws for one subject: each call uses the next counter as a key. */
export class Draws {
  private n = 0;
  constructor(private readonly seed: number, private readonly keys: readonly number[]) {}
  next(): number { return unit(this.seed, ...this.keys, this.n++); }
  /** Whole number in [min, max], both ends included. */
  int(min: number, max: number): number { return min + Math.floor(this.next() * (max - min + 1)); }
  chance(p: number): boolean { return this.next() < p; }
  pick<T>(items: readonly T[]): T { return items[Math.floor(this.next() * items.length)]!; }
  /** Picks by weight; weights need not sum to 1. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let x = this.next() * total;
    for (const [item, w] of items) { if (x < w) return item; x -= w; }
    return items[items.length - 1]![0];
  }
}

/** Parses a --seed value: a whole number from 0 to 2^32 − 1. */
export function isSeed(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 0xffffffff;
}
