import { formatYuan } from '../../core/money/parse.ts';
import { sql } from 'kysely';
import type { DomainError } from '../../core/errors.ts';
import type { Fen } from '../../core/money/fen.ts';
import { parsePercent, type Rate } from '../../core/money/rate.ts';
import type { RoundingMode } from '../../core/money/rounding.ts';
import { ok, type Result } from '../../core/result.ts';
import type { Posting } from '../../core/ledger/journal.ts';
import { outstandingOf, type Allocation, type InstallmentState } from '../../core/servicing/installment-state.ts';
import { reamortise, type PartialReturnMode, type ReamortisedRow } from '../../core/servicing/reamortise.ts';
import { adjustInstallments } from '../../adapters/db/plan-store.ts';
import { postJournal } from '../../adapters/db/ledger-store.ts';
import { refundReturn } from '../payments/refunds/refund-return.ts';
import { audit } from '../audit.ts';
import { emitEvent } from '../events.ts';
import type { TxContext } from '../context.ts';
import type { BookPlan } from '../servicing/customer-book.ts';
import { returnEntry } from './return-entries.ts';
import { recordReturn, recordWaivers } from './return-support.ts';
import type { ReturnedGoods } from './return-goods.ts';

const rate = (text: string | null): Rate | undefined => {
  if (!text) return undefined;
  const r = parsePercent(text);
  return r.ok ? r.value : undefined;
};

/** Takes `amount` of principal off a plan: re-amortise what is not yet due, then what is due, then refund the rest. */
export async function applyPartialReturn(ctx: TxContext, plan: BookPlan, amount: Fen, reason?: string): Promise<Result<ReturnedGoods, DomainError>> {
  const customerId = plan.row.customer_id;
  const planId = plan.row.id;
  const mode = ((plan.row.payoff_policy as { partialReturn?: PartialReturnMode }).partialReturn ?? 'smaller');
  const r = reamortise({
    states: plan.states, method: plan.row.method, rounding: plan.row.rounding as RoundingMode, annualRate: rate(plan.row.annual_rate),
    monthlyFeeRate: rate(plan.row.monthly_fee_rate), totalFeeRate: rate(plan.row.total_fee_rate), reduction: amount, asOf: ctx.businessDate, mode,
  });
  const returnId = ctx.deps.ids.next();
  const postings: Posting[] = [];
  if (r.rows.length > 0) postings.push(...await rewriteSchedule(ctx, plan, r.rows, `partial return ${returnId}`));
  const rewritten = plan.states.map((i) => {
    const row = r.rows.find((x) => x.number === i.number);
    return row ? { ...i, principal: row.principal, interest: row.interest, fee: row.fee } : i;
  });
  const { waivers, leftover } = overflowWaivers(rewritten, r.overflow);
  await adjustInstallments(ctx.tx, customerId, planId, 'waived', waivers, 1, ctx.businessDate);
  await recordWaivers(ctx, customerId, planId, returnId, waivers, 'return');
  const waivedPrincipal = waivers.reduce((s, w) => s + w.amount, 0);
  postings.push({ debit: 'merchant.payable', credit: 'receivable.principal', amount: waivedPrincipal, planId });
  postings.push({ debit: 'merchant.payable', credit: 'customer.credit_balance', amount: leftover, planId });
  await postJournal(ctx.tx, { customerId, businessDate: ctx.businessDate, at: ctx.at, ids: ctx.deps.ids }, returnEntry(returnId, postings));
  const principalReduced = r.principalReduced + waivedPrincipal;
  await ctx.tx.updateTable('credit_lines').set({
    used_fen: sql`used_fen - ${principalReduced}`, credit_balance_fen: sql`credit_balance_fen + ${leftover}`, updated_at: ctx.at,
  }).where('customer_id', '=', customerId).execute();
  const refundChannel = await refundReturn(ctx, customerId, planId, leftover, `partial return ${returnId}`);
  const status = await settleIfDone(ctx, customerId, planId);
  await recordReturn(ctx, { customerId, returnId, plan, kind: 'partial', amount, principalReduced, refunded: leftover, reason });
  await emitEvent(ctx, 'plan.refunded', { merchantId: plan.row.merchant_id, customerId }, { planId, merchantOrderId: plan.row.merchant_order_id, returnId, kind: 'partial', principalReduced: formatYuan(principalReduced), refunded: formatYuan(leftover) });
  await audit(ctx, 'plan.return', `plan:${planId}`, { kind: 'partial', amountFen: amount, principalReducedFen: principalReduced, refundedFen: leftover, reason: reason ?? null });
  return ok({ returnId, planId, kind: 'partial', planStatus: status, principalReduced, refunded: leftover, refundChannel });
}

/** Saves the schedule being replaced, writes the new amounts, and returns the ledger postings for the difference. */
async function rewriteSchedule(ctx: TxContext, plan: BookPlan, rows: ReamortisedRow[], why: string): Promise<Posting[]> {
  const { customer_id: customerId, id: planId } = plan.row;
  const version = await ctx.tx.selectFrom('schedule_history').select(({ fn }) => fn.countAll<number>().as('n')).where('customer_id', '=', customerId).where('plan_id', '=', planId).executeTakeFirstOrThrow();
  await ctx.tx.insertInto('schedule_history').values({
    customer_id: customerId, plan_id: planId, version: Number(version.n) + 1, reason: why, business_date: ctx.businessDate, created_at: ctx.at,
    schedule: JSON.stringify(plan.states.map((i) => ({ number: i.number, dueDate: i.dueDate, principal: i.principal, interest: i.interest, fee: i.fee }))),
  }).execute();
  const delta = { principal: 0, interest: 0, fee: 0 };
  for (const row of rows) {
    const old = plan.states.find((i) => i.number === row.number)!;
    delta.principal += old.principal - row.principal;
    delta.interest += old.interest - row.interest;
    delta.fee += old.fee - row.fee;
    await ctx.tx.updateTable('installments').set({
      principal_fen: row.principal, interest_fen: row.interest, fee_fen: row.fee,
      settled_on: row.principal + row.interest + row.fee === 0 ? ctx.businessDate : null,
    }).where('customer_id', '=', customerId).where('plan_id', '=', planId).where('number', '=', row.number).execute();
  }
  const move = (amount: number, against: 'merchant.payable' | 'unearned.interest' | 'unearned.fee', receivable: 'receivable.principal' | 'receivable.interest' | 'receivable.fee'): Posting =>
    amount >= 0 ? { debit: against, credit: receivable, amount, planId } : { debit: receivable, credit: against, amount: -amount, planId };
  return [move(delta.principal, 'merchant.payable', 'receivable.principal'), move(delta.interest, 'unearned.interest', 'receivable.interest'), move(delta.fee, 'unearned.fee', 'receivable.fee')];
}

/** Reduction no future installment could absorb comes off principal still owed, oldest first; the rest is refunded. */
function overflowWaivers(states: InstallmentState[], overflow: Fen): { waivers: Allocation[]; leftover: Fen } {
  const waivers: Allocation[] = [];
  let left = overflow;
  for (const i of states) {
    if (left === 0) break;
    const take = Math.min(left, outstandingOf(i, 'principal'));
    if (take > 0) { waivers.push({ installmentNumber: i.number, component: 'principal', amount: take }); left -= take; }
  }
  return { waivers, leftover: left };
}

async function settleIfDone(ctx: TxContext, customerId: string, planId: string): Promise<string> {
  const open = await ctx.tx.selectFrom('installments').select('number').where('customer_id', '=', customerId).where('plan_id', '=', planId).where('settled_on', 'is', null).executeTakeFirst();
  if (open) return 'active';
  await ctx.tx.updateTable('plans').set({ status: 'paid_off', closed_on: ctx.businessDate, updated_at: ctx.at }).where('customer_id', '=', customerId).where('id', '=', planId).execute();
  return 'paid_off';
}
