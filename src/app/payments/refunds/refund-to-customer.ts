import { sql } from 'kysely';
import { journal } from '../../../core/ledger/journal.ts';
import type { Fen } from '../../../core/money/fen.ts';
import { invariant } from '../../../core/result.ts';
import { outTradeNoOf } from '../../../core/payments/payment-status.ts';
import { postJournal } from '../../../adapters/db/ledger-store.ts';
import { lockCustomer } from '../../../adapters/db/plan-store.ts';
import { audit } from '../../audit.ts';
import type { TxContext } from '../../context.ts';
import { sourceAccount } from '../../servicing/repayment-entry.ts';
import { paymentsDb } from '../tables.ts';
import { refundSources } from './refund-sources.ts';

export type RefundKind = 'credit_balance' | 'return' | 'overpayment';
export type RefundStatus = 'pending' | 'succeeded' | 'manual';
export interface RefundLeg { refundId: string; amount: Fen; channel: string; status: RefundStatus }

export interface RefundToCustomerInput {
  customerId: string;
  /** Taken from the customer's credit balance, which must hold it (the caller checked or just put it there). */
  amount: Fen;
  kind: RefundKind;
  reason: string;
  /** Only payments that paid this plan are refunded through their gateway (a return). */
  planId?: string;
  /** Only this payment (an overpayment goes back to the payment that made it). */
  paymentId?: string;
  /**
   * What no gateway payment can take back: 'sandbox' pays out at once (the demo's instant
   * channel), 'manual' records a payout for finance, 'keep' leaves it in the credit balance.
   */
  remainder: 'sandbox' | 'manual' | 'keep';
}

/**
 * Sends money from the credit balance back to the customer, in the caller's transaction (the
 * customer is locked first): through the gateway payments it came from when they can take it
 * (each such leg is a refund row, status pending, whose id is the out_request_no the
 * dispatcher sends — so a refund dispatched twice pays once), the rest per `remainder`.
 * Each leg posts its journal entry here, once: customer.credit_balance → the channel's cash.
 */
export async function refundToCustomer(ctx: TxContext, input: RefundToCustomerInput): Promise<{ legs: RefundLeg[]; kept: Fen }> {
  invariant(Number.isSafeInteger(input.amount) && input.amount > 0, 'a refund is a positive amount of fen');
  await lockCustomer(ctx.tx, input.customerId);
  const db = paymentsDb(ctx.tx);
  const legs: RefundLeg[] = [];
  let left = input.amount;
  const base = {
    customer_id: input.customerId, kind: input.kind, plan_id: input.planId ?? null, business_date: ctx.businessDate, created_at: ctx.at, reason: input.reason,
  };
  for (const s of await refundSources(ctx.tx, input.customerId, input)) {
    if (left === 0) break;
    const take = Math.min(left, s.refundable);
    const id = ctx.deps.ids.next();
    await db.insertInto('refunds').values({
      ...base, id, amount_fen: take, channel: s.gateway, status: 'pending', external_ref: null, payment_id: s.paymentId, out_trade_no: s.outTradeNo,
      out_request_no: outTradeNoOf(id), next_attempt_at: ctx.at,
    }).execute();
    legs.push({ refundId: id, amount: take, channel: s.gateway, status: 'pending' });
    left -= take;
  }
  if (left > 0 && input.remainder !== 'keep') {
    const id = ctx.deps.ids.next();
    const instant = input.remainder === 'sandbox';
    await db.insertInto('refunds').values({
      ...base, id, amount_fen: left, channel: input.remainder, status: instant ? 'succeeded' : 'manual', external_ref: instant ? `sbx_refund_${id}` : null,
      settled_at: instant ? ctx.at : null,
    }).execute();
    legs.push({ refundId: id, amount: left, channel: input.remainder, status: instant ? 'succeeded' : 'manual' });
    left = 0;
  }
  const out = input.amount - left;
  if (out > 0) {
    await ctx.tx.updateTable('credit_lines').set({ credit_balance_fen: sql`credit_balance_fen - ${out}`, updated_at: ctx.at }).where('customer_id', '=', input.customerId).execute();
  }
  for (const leg of legs) {
    await postJournal(ctx.tx, { customerId: input.customerId, businessDate: ctx.businessDate, at: ctx.at, ids: ctx.deps.ids },
      journal('credit_balance.refund', leg.refundId, [{ debit: 'customer.credit_balance', credit: sourceAccount(leg.channel), amount: leg.amount }]));
    await audit(ctx, 'refund.record', `refund:${leg.refundId}`, { kind: input.kind, amountFen: leg.amount, channel: leg.channel, status: leg.status });
  }
  return { legs, kept: left };
}

/** How a set of legs reads in one word for a response: the channel when there is one, 'mixed' otherwise. */
export function channelOf(legs: readonly RefundLeg[]): string | null {
  const channels = [...new Set(legs.map((l) => l.channel))];
  return channels.length === 0 ? null : channels.length === 1 ? channels[0]! : 'mixed';
}
