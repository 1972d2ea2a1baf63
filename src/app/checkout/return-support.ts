import type { Allocation } from '../../core/servicing/installment-state.ts';
import type { Fen } from '../../core/money/fen.ts';
import type { TxContext } from '../context.ts';
import type { BookPlan } from '../servicing/customer-book.ts';

/** The plan's unearned interest and fee balances (credit − debit) from its postings. */
export async function unearnedBalance(ctx: TxContext, customerId: string, planId: string): Promise<{ interest: Fen; fee: Fen }> {
  const rows = await ctx.tx.selectFrom('postings').select(['debit_account', 'credit_account', 'amount_fen'])
    .where('customer_id', '=', customerId).where('plan_id', '=', planId)
    .where((eb) => eb.or([eb('debit_account', 'in', ['unearned.interest', 'unearned.fee']), eb('credit_account', 'in', ['unearned.interest', 'unearned.fee'])]))
    .execute();
  const out = { interest: 0, fee: 0 };
  for (const r of rows) {
    if (r.credit_account === 'unearned.interest') out.interest += r.amount_fen;
    if (r.debit_account === 'unearned.interest') out.interest -= r.amount_fen;
    if (r.credit_account === 'unearned.fee') out.fee += r.amount_fen;
    if (r.debit_account === 'unearned.fee') out.fee -= r.amount_fen;
  }
  return out;
}

/** Refunds go back the way the money came when every payment on the plan came through one refundable channel. */
export async function originalChannel(ctx: TxContext, customerId: string, planId: string): Promise<string | null> {
  const rows = await ctx.tx.selectFrom('repayments').select('channel').distinct()
    .where('customer_id', '=', customerId).where('status', '=', 'posted')
    .where((eb) => eb.exists(eb.selectFrom('allocations as a').select('a.seq').whereRef('a.customer_id', '=', 'repayments.customer_id').whereRef('a.repayment_id', '=', 'repayments.id').where('a.plan_id', '=', planId)))
    .execute();
  return rows.length === 1 ? rows[0]!.channel : null;
}

export async function recordWaivers(ctx: TxContext, customerId: string, planId: string, reference: string, waivers: Allocation[], source: 'return' | 'cancellation') {
  if (waivers.length === 0) return;
  await ctx.tx.insertInto('waivers').values(waivers.map((w) => ({
    customer_id: customerId, id: ctx.deps.ids.next(), plan_id: planId, installment_number: w.installmentNumber, component: w.component,
    amount_fen: w.amount, source, reason: `${source} ${reference}`, repayment_id: null, actor: `${ctx.actor.kind}:${ctx.actor.id}`,
    business_date: ctx.businessDate, created_at: ctx.at, reversed_at: null,
  }))).execute();
}

export async function recordReturn(ctx: TxContext, r: {
  customerId: string; returnId: string; plan: BookPlan; kind: 'full' | 'partial' | 'cancellation'; amount: Fen; principalReduced: Fen; refunded: Fen; reason?: string | undefined;
}) {
  await ctx.tx.insertInto('returns').values({
    customer_id: r.customerId, id: r.returnId, plan_id: r.plan.row.id, merchant_id: r.plan.row.merchant_id, kind: r.kind, amount_fen: r.amount,
    principal_reduced_fen: r.principalReduced, refunded_fen: r.refunded, reason: r.reason ?? null, business_date: ctx.businessDate, created_at: ctx.at,
  }).execute();
}
