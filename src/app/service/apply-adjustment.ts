import type { DomainError } from '../../core/errors.ts';
import type { Fen } from '../../core/money/fen.ts';
import { ok, type Result } from '../../core/result.ts';
import type { TxContext } from '../context.ts';
import { refundCreditBalance } from '../servicing/refund-credit-balance.ts';
import { waiveCharges } from '../servicing/waive-charges.ts';

/** What a goodwill adjustment does, stored on an approval request until someone approves it. */
export type AdjustmentParams =
  | { kind: 'waive'; planId: string; installmentNumber: number; component: 'penalty' | 'fee' | 'interest' }
  | { kind: 'refund'; channel: 'sandbox' | 'manual' };

export type AdjustmentResult =
  | { kind: 'waive'; waiverId: string; planId: string; installmentNumber: number; component: string; amountFen: Fen; planPaidOff: boolean }
  | { kind: 'refund'; refundId: string; amountFen: Fen; channel: string; status: string };

/**
 * Moves the money through the existing servicing use cases (waive-charges, refund-credit-
 * balance), in the caller's transaction: the ledger entry, the audit record and the
 * approval or ticket record commit together or not at all.
 */
export async function applyAdjustment(ctx: TxContext, customerId: string, params: AdjustmentParams, amount: Fen, reason: string): Promise<Result<AdjustmentResult, DomainError>> {
  if (params.kind === 'waive') {
    const w = await waiveCharges(ctx, { customerId, planId: params.planId, installmentNumber: params.installmentNumber, component: params.component, amount, reason, source: 'staff' });
    if (!w.ok) return w;
    return ok({ kind: 'waive', waiverId: w.value.waiverId, planId: w.value.planId, installmentNumber: w.value.installmentNumber, component: w.value.component, amountFen: w.value.amount, planPaidOff: w.value.planPaidOff });
  }
  const r = await refundCreditBalance(ctx, { customerId, amount, channel: params.channel });
  if (!r.ok) return r;
  return ok({ kind: 'refund', refundId: r.value.refundId, amountFen: r.value.amount, channel: r.value.channel, status: r.value.status });
}
