import type { Fen } from '../money/fen.ts';
import type { ScheduledInstallment } from './types.ts';

/** Builds installments from per-period principal/interest/fee arrays, tracking the balance. */
export function assemble(dueDates: string[], financed: Fen, principal: Fen[], interest: Fen[], fee: Fen[]): ScheduledInstallment[] {
  let remaining = financed;
  return dueDates.map((dueDate, k) => {
    const p = principal[k]!, i = interest[k]!, f = fee[k]!;
    remaining -= p;
    return { number: k + 1, dueDate, principal: p, interest: i, fee: f, total: p + i + f, remainingPrincipal: remaining };
  });
}

export const zeros = (n: number): Fen[] => new Array<Fen>(n).fill(0);
