import type { Fen } from '../money/fen.ts';
import { Draws, unit } from './prng.ts';

/**
 * The behaviour model of the simulator's synthetic customers, as data and pure functions.
 * Shares are rough figures for a Chinese consumer-installment book: most customers pay on
 * time (many on auto-debit), a minority pays late and catches up, some pay off early or
 * return goods, and a few never pay (they age into write-off).
 */
export type Persona = 'on_time' | 'auto_debit' | 'late' | 'early_payoff' | 'returns' | 'never_pays';

export const PERSONA_MIX: readonly (readonly [Persona, number])[] = [
  ['on_time', 0.60], ['auto_debit', 0.16], ['late', 0.11], ['early_payoff', 0.06], ['returns', 0.05], ['never_pays', 0.02],
];

/** Product codes of the simulated store (they exist in the demo catalogue) and how often each is chosen. */
export const PRODUCT_MIX: readonly (readonly [string, number])[] = [
  ['free-3', 0.25], ['free-6', 0.2], ['free-12', 0.15], ['fee-12', 0.2], ['fee-24', 0.05], ['loan-12', 0.15],
];

/** Order amounts in yuan: small accessories to laptops. */
const AMOUNT_BANDS: readonly (readonly [readonly [number, number], number])[] = [
  [[99, 499], 0.3], [[500, 1999], 0.35], [[2000, 5999], 0.28], [[6000, 12_000], 0.07],
];

export interface Purchase {
  /** 1-based purchase number of this customer. */
  n: number;
  /** Days after the simulation's first business date. */
  day: number;
  productCode: string;
  amountFen: Fen;
}

export interface CustomerScript { index: number; phone: string; persona: Persona; purchases: Purchase[] }

/** What the customer does about one installment once its due date is known. */
export type InstallmentChoice =
  | { kind: 'pay'; daysFromDue: number }
  | { kind: 'payoff'; daysFromDue: number }
  | { kind: 'nothing' };

export interface ReturnChoice { kind: 'full' | 'partial'; daysAfterPurchase: number; percent: number }

/** Days late for a late payment: within grace, a couple of weeks, over a month. */
const LATE_BANDS: readonly (readonly [readonly [number, number], number])[] = [[[1, 3], 0.4], [[4, 15], 0.4], [[16, 45], 0.2]];

/** Purposes mixed into the keys, so two decisions about the same subject are independent. */
const PURPOSE = { script: 1, installment: 2, returns: 3, payoff: 4 } as const;

/** Synthetic mainland mobile numbers, one per customer index (139 + 8 digits). */
export function phoneOf(index: number): string {
  return `139${String(index).padStart(8, '0')}`;
}

/** The customer's persona and purchases over a run of `days` business days. */
export function customerScript(seed: number, index: number, days: number): CustomerScript {
  const d = new Draws(seed, [PURPOSE.script, index]);
  const persona = d.weighted(PERSONA_MIX);
  const count = 1 + (d.chance(0.3) ? 1 : 0) + (d.chance(0.1) ? 1 : 0);
  // Purchases leave at least a month to see the first bill; a one-month run buys on day 0.
  const lastDay = Math.max(0, days - 31);
  const purchaseDays = Array.from({ length: count }, () => d.int(0, lastDay)).sort((a, b) => a - b);
  const purchases = purchaseDays.map((day, i) => {
    const [min, max] = d.weighted(AMOUNT_BANDS);
    return { n: i + 1, day, productCode: d.weighted(PRODUCT_MIX), amountFen: d.int(min, max) * 100 };
  });
  return { index, phone: phoneOf(index), persona, purchases };
}

/**
 * The choice for installment `number` (of `terms`) of a purchase. Late payers mostly pay
 * within grace or a couple of weeks late, a fifth over a month late. Early payers pay off
 * after one to three installments, a few days after the last one they paid.
 */
export function installmentChoice(seed: number, script: CustomerScript, purchase: number, number: number, terms: number): InstallmentChoice {
  const d = new Draws(seed, [PURPOSE.installment, script.index, purchase, number]);
  switch (script.persona) {
    case 'on_time':
    case 'returns':
      return { kind: 'pay', daysFromDue: -d.int(0, 5) };
    case 'late':
      // One late payer in four still pays some bills on time.
      if (d.chance(0.25)) return { kind: 'pay', daysFromDue: -d.int(0, 3) };
      {
        const [min, max] = d.weighted(LATE_BANDS);
        return { kind: 'pay', daysFromDue: d.int(min, max) };
      }
    case 'early_payoff': {
      const after = 1 + Math.floor(unit(seed, PURPOSE.payoff, script.index, purchase) * 3);
      if (number <= after || number >= terms) return { kind: 'pay', daysFromDue: -d.int(0, 5) };
      return number === after + 1 ? { kind: 'payoff', daysFromDue: -d.int(10, 20) } : { kind: 'nothing' };
    }
    case 'auto_debit':
    case 'never_pays':
      return { kind: 'nothing' };
  }
}

/** Customers of the 'returns' persona send goods back: half the whole order, half a part of it. */
export function returnChoice(seed: number, script: CustomerScript, purchase: number): ReturnChoice | null {
  if (script.persona !== 'returns') return null;
  const d = new Draws(seed, [PURPOSE.returns, script.index, purchase]);
  return { kind: d.chance(0.5) ? 'full' : 'partial', daysAfterPurchase: d.int(1, 20), percent: d.int(10, 40) };
}
