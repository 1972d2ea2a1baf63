import { formatYuan } from '../../core/money/parse.ts';
import { sql } from 'kysely';
import { domainError, type DomainError } from '../../core/errors.ts';
import type { Fen } from '../../core/money/fen.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { COMPONENTS } from '../../core/ledger/accounts.ts';
import { outstandingOf, type Allocation } from '../../core/servicing/installment-state.ts';
import { adjustInstallments } from '../../adapters/db/plan-store.ts';
import { postJournal } from '../../adapters/db/ledger-store.ts';
import { loadCustomerBook, type BookPlan } from '../servicing/customer-book.ts';
import { refundReturn } from '../payments/refunds/refund-return.ts';
import { audit } from '../audit.ts';
import { emitEvent } from '../events.ts';
import type { TxContext } from '../context.ts';
import { receivableRelief, refundToCreditBalance, returnEntry, type ComponentAmounts } from './return-entries.ts';
import { unearnedBalance, recordWaivers, recordReturn } from './return-support.ts';
import { applyPartialReturn } from './partial-return.ts';

export interface ReturnGoodsInput {
  merchantId: string;
  planId: string;
  /** full: the whole order comes back; partial: goods worth `amount`; cancellation: the order never shipped. */
  kind: 'full' | 'partial' | 'cancellation';
  amount?: Fen;
  reason?: string;
}

export interface ReturnedGoods {
  returnId: string; planId: string; kind: ReturnGoodsInput['kind']; planStatus: string;
  principalReduced: Fen; refunded: Fen; refundChannel: string | null;
}

/**
 * 退货退款. A full return or cancellation ends the plan: everything still owed is relieved,
 * what the customer paid (except penalties for lateness) is refunded — to the original
 * channel when it takes refunds, otherwise to the credit balance — and the credit line is
 * restored. A partial return takes the returned value off the principal and re-amortises the
 * installments not yet due, keeping every past payment.
 */
export async function returnGoods(ctx: TxContext, input: ReturnGoodsInput): Promise<Result<ReturnedGoods, DomainError>> {
  const owner = await ctx.tx.selectFrom('plans').select(['customer_id']).where('id', '=', input.planId).where('merchant_id', '=', input.merchantId).executeTakeFirst();
  if (!owner) return err(domainError('plan_not_found', 'no plan with that id for this merchant', 'planId'));
  const book = await loadCustomerBook(ctx.tx, owner.customer_id, [input.planId]);
  const plan = book!.plans[0]!;
  if (!['active', 'paid_off'].includes(plan.row.status)) return err(domainError('plan_not_returnable', `the plan is ${plan.row.status}`));
  const paidAny = plan.states.some((i) => i.paid.principal + i.paid.interest + i.paid.fee + i.paid.penalty > 0);
  if (input.kind === 'cancellation' && paidAny) return err(domainError('plan_not_returnable', 'a plan with payments cannot be cancelled; use a full return'));
  if (input.kind === 'partial') {
    const amount = input.amount ?? 0;
    if (amount <= 0 || amount >= plan.row.financed_fen) return err(domainError('return_amount_invalid', 'a partial return must be more than 0 and less than the financed amount; return everything with kind full', 'amount'));
    return applyPartialReturn(ctx, plan, amount, input.reason);
  }
  return endPlan(ctx, plan, input);
}

async function endPlan(ctx: TxContext, plan: BookPlan, input: ReturnGoodsInput): Promise<Result<ReturnedGoods, DomainError>> {
  const customerId = plan.row.customer_id;
  const planId = plan.row.id;
  const waivers: Allocation[] = [];
  const relieved: ComponentAmounts = { principal: 0, interest: 0, fee: 0, penalty: 0 };
  const paid: ComponentAmounts = { principal: 0, interest: 0, fee: 0, penalty: 0 };
  for (const i of plan.states) {
    for (const c of COMPONENTS) {
      const owed = outstandingOf(i, c);
      if (owed > 0) { waivers.push({ installmentNumber: i.number, component: c, amount: owed }); relieved[c] += owed; }
      paid[c] += i.paid[c];
    }
  }
  const returnId = ctx.deps.ids.next();
  await adjustInstallments(ctx.tx, customerId, planId, 'waived', waivers, 1, ctx.businessDate);
  await recordWaivers(ctx, customerId, planId, returnId, waivers, input.kind === 'cancellation' ? 'cancellation' : 'return');
  const unearned = await unearnedBalance(ctx, customerId, planId);
  const interestBack = { unearned: Math.min(paid.interest, Math.max(0, unearned.interest - relieved.interest)), earned: 0 };
  interestBack.earned = paid.interest - interestBack.unearned;
  const feeBack = { unearned: Math.min(paid.fee, Math.max(0, unearned.fee - relieved.fee)), earned: 0 };
  feeBack.earned = paid.fee - feeBack.unearned;
  const refund = paid.principal + paid.interest + paid.fee;
  await postJournal(ctx.tx, { customerId, businessDate: ctx.businessDate, at: ctx.at, ids: ctx.deps.ids },
    returnEntry(returnId, [...receivableRelief(planId, relieved), ...refundToCreditBalance(planId, paid.principal, interestBack, feeBack)]));
  await ctx.tx.updateTable('credit_lines').set({
    used_fen: sql`used_fen - ${relieved.principal}`, credit_balance_fen: sql`credit_balance_fen + ${refund}`, updated_at: ctx.at,
  }).where('customer_id', '=', customerId).execute();
  const status = input.kind === 'cancellation' ? 'cancelled' as const : 'refunded' as const;
  await ctx.tx.updateTable('plans').set({ status, closed_on: ctx.businessDate, updated_at: ctx.at }).where('customer_id', '=', customerId).where('id', '=', planId).execute();
  const channel = await refundReturn(ctx, customerId, planId, refund, `${input.kind === 'cancellation' ? 'cancellation' : 'return'} ${returnId}`);
  await recordReturn(ctx, { customerId, returnId, plan, kind: input.kind, amount: input.amount ?? plan.row.amount_fen, principalReduced: relieved.principal, refunded: refund, reason: input.reason });
  await emitEvent(ctx, status === 'cancelled' ? 'plan.cancelled' : 'plan.refunded', { merchantId: plan.row.merchant_id, customerId }, {
    planId, merchantOrderId: plan.row.merchant_order_id, returnId, kind: input.kind, refunded: formatYuan(refund),
  });
  await audit(ctx, `plan.${input.kind === 'cancellation' ? 'cancel' : 'return'}`, `plan:${planId}`, { kind: input.kind, refundedFen: refund, reason: input.reason ?? null });
  return ok({ returnId, planId, kind: input.kind, planStatus: status, principalReduced: relieved.principal, refunded: refund, refundChannel: channel });
}
