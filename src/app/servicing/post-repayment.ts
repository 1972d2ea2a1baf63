import { sql } from 'kysely';
import type { BusinessDate } from '../../core/calendar/business-date.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import type { Fen } from '../../core/money/fen.ts';
import { err, invariant, ok, type Result } from '../../core/result.ts';
import { outstandingTotal } from '../../core/servicing/installment-state.ts';
import { formatYuan } from '../../core/money/parse.ts';
import { adjustInstallments } from '../../adapters/db/plan-store.ts';
import { postJournal } from '../../adapters/db/ledger-store.ts';
import { audit } from '../audit.ts';
import { emitEvent } from '../events.ts';
import type { TxContext } from '../context.ts';
import { loadCustomerBook, type CustomerBook } from './customer-book.ts';
import { repaymentEntry, waiverEntry } from './repayment-entry.ts';
import { planTargets, type RepaymentTarget, type Targeted } from './repayment-targets.ts';
import type { PlanAllocation } from './plan-allocation.ts';

export const REPAYMENT_CHANNELS = ['sandbox', 'alipay', 'wechatpay', 'bank', 'manual', 'credit_balance'] as const;
export type RepaymentChannel = (typeof REPAYMENT_CHANNELS)[number];

export interface PostRepaymentInput {
  customerId: string;
  target: RepaymentTarget;
  amount: Fen;
  channel: RepaymentChannel;
  externalRef?: string;
}

export interface PostedRepayment {
  repaymentId: string;
  customerId: string;
  kind: RepaymentTarget['kind'];
  amount: Fen;
  applied: Fen;
  toCreditBalance: Fen;
  charges: Fen;
  parts: PlanAllocation[];
  waived: PlanAllocation[];
  paidOffPlanIds: string[];
  businessDate: BusinessDate;
}

/**
 * 还款入账: posts money that has already arrived (a settled channel payment, or the customer's
 * credit balance) against what the customer owes, in one transaction: installments' paid
 * columns, payoff waivers, the credit line restored by the principal repaid (at once — the
 * complaint this fixes is a line that stays used after repayment), any overpayment to the
 * credit balance, repayment and allocation rows, the journal entry, events and audit.
 */
export async function postRepayment(ctx: TxContext, input: PostRepaymentInput): Promise<Result<PostedRepayment, DomainError>> {
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) return err(domainError('amount_invalid', 'amount must be greater than zero', 'amount'));
  const book = await loadCustomerBook(ctx.tx, input.customerId);
  if (!book) return err(domainError('customer_not_found', 'no such customer'));
  if (input.channel === 'credit_balance' && input.amount > book.line.credit_balance_fen) {
    return err(domainError('credit_balance_insufficient', `the credit balance is ${formatYuan(book.line.credit_balance_fen)}`, 'amount'));
  }
  const targeted = planTargets(book, input.target, input.amount, ctx.businessDate);
  if (!targeted.ok) return targeted;
  const t = targeted.value;
  // Credit balance can pay what is owed but cannot become credit balance again.
  const amount = input.channel === 'credit_balance' ? input.amount - t.unapplied : input.amount;
  const unapplied = input.channel === 'credit_balance' ? 0 : t.unapplied;
  const repaymentId = ctx.deps.ids.next();
  const applied = sum(t.parts);
  invariant(applied + unapplied + t.charges === amount, 'repayment parts add up to the amount');

  for (const part of t.parts) await adjustInstallments(ctx.tx, input.customerId, part.planId, 'paid', part.allocations, 1, ctx.businessDate);
  for (const w of t.waivers) await adjustInstallments(ctx.tx, input.customerId, w.planId, 'waived', w.allocations, 1, ctx.businessDate);
  await recordRepayment(ctx, input, repaymentId, { amount, applied, unapplied, charges: t.charges, parts: t.parts });
  await recordWaivers(ctx, input.customerId, repaymentId, t.waivers);
  await updateLine(ctx, book, principalOf(t.parts) + principalOf(t.waivers), unapplied - (input.channel === 'credit_balance' ? amount : 0));
  const post = { customerId: input.customerId, businessDate: ctx.businessDate, at: ctx.at, ids: ctx.deps.ids };
  await postJournal(ctx.tx, post, repaymentEntry(repaymentId, input.channel, t.parts, unapplied, t.charges));
  if (t.waivers.length > 0) await postJournal(ctx.tx, post, waiverEntry(repaymentId, t.waivers));
  await closePaidOffPlans(ctx, input.customerId, t.paidOffPlanIds);
  await announce(ctx, book, repaymentId, t);
  await audit(ctx, 'repayment.post', `repayment:${repaymentId}`, { kind: input.target.kind, amountFen: amount, channel: input.channel });
  return ok({
    repaymentId, customerId: input.customerId, kind: input.target.kind, amount, applied, toCreditBalance: unapplied, charges: t.charges,
    parts: t.parts, waived: t.waivers, paidOffPlanIds: t.paidOffPlanIds, businessDate: ctx.businessDate,
  });
}

const sum = (parts: PlanAllocation[]) => parts.reduce((s, p) => s + p.allocations.reduce((x, a) => x + a.amount, 0), 0);
const principalOf = (parts: PlanAllocation[]) => parts.reduce((s, p) => s + p.allocations.reduce((x, a) => x + (a.component === 'principal' ? a.amount : 0), 0), 0);

async function recordRepayment(ctx: TxContext, input: PostRepaymentInput, id: string, m: { amount: Fen; applied: Fen; unapplied: Fen; charges: Fen; parts: PlanAllocation[] }) {
  const planId = 'planId' in input.target && input.target.planId ? input.target.planId : null;
  await ctx.tx.insertInto('repayments').values({
    customer_id: input.customerId, id, plan_id: planId, kind: input.target.kind, amount_fen: m.amount, applied_fen: m.applied,
    to_credit_balance_fen: m.unapplied, charges_fen: m.charges, channel: input.channel, external_ref: input.externalRef ?? null,
    status: 'posted', business_date: ctx.businessDate, created_at: ctx.at, reversed_at: null, reversal_reason: null,
  }).execute();
  const rows = m.parts.flatMap((p) => p.allocations.map((a) => ({ planId: p.planId, a })));
  if (rows.length === 0) return;
  await ctx.tx.insertInto('allocations').values(rows.map(({ planId: pid, a }, seq) => ({
    customer_id: input.customerId, repayment_id: id, seq, plan_id: pid, installment_number: a.installmentNumber, component: a.component, amount_fen: a.amount,
  }))).execute();
}

async function recordWaivers(ctx: TxContext, customerId: string, repaymentId: string, waivers: PlanAllocation[]) {
  const rows = waivers.flatMap((w) => w.allocations.map((a) => ({
    customer_id: customerId, id: ctx.deps.ids.next(), plan_id: w.planId, installment_number: a.installmentNumber, component: a.component,
    amount_fen: a.amount, source: 'payoff' as const, reason: 'early payoff: not yet earned', repayment_id: repaymentId,
    actor: `${ctx.actor.kind}:${ctx.actor.id}`, business_date: ctx.businessDate, created_at: ctx.at, reversed_at: null,
  })));
  if (rows.length > 0) await ctx.tx.insertInto('waivers').values(rows).execute();
}

async function updateLine(ctx: TxContext, book: CustomerBook, principalReleased: Fen, creditBalanceChange: Fen) {
  if (principalReleased === 0 && creditBalanceChange === 0) return;
  await ctx.tx.updateTable('credit_lines').set({
    used_fen: sql`used_fen - ${principalReleased}`, credit_balance_fen: sql`credit_balance_fen + ${creditBalanceChange}`, updated_at: ctx.at,
  }).where('customer_id', '=', book.line.customer_id).execute();
}

async function closePaidOffPlans(ctx: TxContext, customerId: string, planIds: string[]) {
  if (planIds.length === 0) return;
  await ctx.tx.updateTable('plans').set({ status: 'paid_off', closed_on: ctx.businessDate, updated_at: ctx.at })
    .where('customer_id', '=', customerId).where('id', 'in', planIds).execute();
}

async function announce(ctx: TxContext, book: CustomerBook, repaymentId: string, t: Targeted) {
  for (const part of t.parts) {
    const plan = book.plans.find((p) => p.row.id === part.planId)!;
    const paidOff = t.paidOffPlanIds.includes(part.planId);
    await emitEvent(ctx, paidOff ? 'plan.paid_off' : 'plan.repaid', { merchantId: plan.row.merchant_id, customerId: plan.row.customer_id }, {
      planId: part.planId, merchantOrderId: plan.row.merchant_order_id, repaymentId,
      amount: formatYuan(part.allocations.reduce((s, a) => s + a.amount, 0)),
    });
  }
}

export const isOwed = (book: CustomerBook) => book.plans.some((p) => p.states.some((i) => outstandingTotal(i) > 0));
