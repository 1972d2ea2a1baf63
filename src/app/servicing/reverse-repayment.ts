import { sql } from 'kysely';
import { domainError, type DomainError } from '../../core/errors.ts';
import { journal } from '../../core/ledger/journal.ts';
import type { AccountCode, Component } from '../../core/ledger/accounts.ts';
import { err, ok, type Result } from '../../core/result.ts';
import type { Allocation } from '../../core/servicing/installment-state.ts';
import { adjustInstallments } from '../../adapters/db/plan-store.ts';
import { postJournal } from '../../adapters/db/ledger-store.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import { lockCustomer } from '../../adapters/db/plan-store.ts';

export interface ReverseRepaymentInput { customerId: string; repaymentId: string; reason: string }
export interface ReversedRepayment { repaymentId: string; reopenedPlanIds: string[] }

/**
 * Undoes a posted repayment exactly (a gateway's failed settlement, a bounced transfer): the
 * installments re-open by what it paid, payoff waivers it granted are withdrawn, the credit
 * line is used again by the principal it released, its overpayment leaves the credit
 * balance, and a mirror journal entry is posted. The original rows stay, marked reversed.
 */
export async function reverseRepayment(ctx: TxContext, input: ReverseRepaymentInput): Promise<Result<ReversedRepayment, DomainError>> {
  const line = await lockCustomer(ctx.tx, input.customerId);
  const rep = line && await ctx.tx.selectFrom('repayments').selectAll().where('customer_id', '=', input.customerId).where('id', '=', input.repaymentId).forUpdate().executeTakeFirst();
  if (!line || !rep) return err(domainError('repayment_not_found', 'no such repayment for this customer', 'repaymentId'));
  if (rep.status === 'reversed') return err(domainError('repayment_already_reversed', 'this repayment was already reversed'));
  const creditBalanceBack = rep.channel === 'credit_balance' ? rep.amount_fen : 0;
  if (line.credit_balance_fen + creditBalanceBack < rep.to_credit_balance_fen) {
    return err(domainError('credit_balance_insufficient', 'the overpayment it created has already been used or refunded; reverse that first'));
  }
  const allocs = await ctx.tx.selectFrom('allocations').selectAll().where('customer_id', '=', input.customerId).where('repayment_id', '=', rep.id).execute();
  const waivers = await ctx.tx.selectFrom('waivers').selectAll().where('customer_id', '=', input.customerId).where('repayment_id', '=', rep.id).where('reversed_at', 'is', null).execute();
  const byPlan = (rows: { plan_id: string; installment_number: number; component: Component; amount_fen: number }[]) => {
    const m = new Map<string, Allocation[]>();
    for (const r of rows) m.set(r.plan_id, [...(m.get(r.plan_id) ?? []), { installmentNumber: r.installment_number, component: r.component, amount: r.amount_fen }]);
    return m;
  };
  for (const [planId, a] of byPlan(allocs)) await adjustInstallments(ctx.tx, input.customerId, planId, 'paid', a, -1, ctx.businessDate);
  for (const [planId, w] of byPlan(waivers)) await adjustInstallments(ctx.tx, input.customerId, planId, 'waived', w, -1, ctx.businessDate);
  if (waivers.length > 0) await ctx.tx.updateTable('waivers').set({ reversed_at: ctx.at }).where('customer_id', '=', input.customerId).where('repayment_id', '=', rep.id).execute();
  const principal = [...allocs, ...waivers].reduce((s, a) => s + (a.component === 'principal' ? a.amount_fen : 0), 0);
  await ctx.tx.updateTable('credit_lines').set({
    used_fen: sql`used_fen + ${principal}`, credit_balance_fen: sql`credit_balance_fen - ${rep.to_credit_balance_fen} + ${creditBalanceBack}`, updated_at: ctx.at,
  }).where('customer_id', '=', input.customerId).execute();
  const planIds = [...new Set([...allocs, ...waivers].map((a) => a.plan_id))];
  if (planIds.length > 0) {
    await ctx.tx.updateTable('plans').set({ status: 'active', closed_on: null, updated_at: ctx.at })
      .where('customer_id', '=', input.customerId).where('id', 'in', planIds).where('status', '=', 'paid_off').execute();
  }
  await ctx.tx.updateTable('repayments').set({ status: 'reversed', reversed_at: ctx.at, reversal_reason: input.reason })
    .where('customer_id', '=', input.customerId).where('id', '=', rep.id).execute();
  await postMirror(ctx, input.customerId, rep.id);
  await audit(ctx, 'repayment.reverse', `repayment:${rep.id}`, { reason: input.reason, amountFen: rep.amount_fen });
  return ok({ repaymentId: rep.id, reopenedPlanIds: planIds });
}

/** Mirrors every posting the repayment made (its repayment entry and any payoff waiver entry). */
async function postMirror(ctx: TxContext, customerId: string, repaymentId: string) {
  const postings = await ctx.tx.selectFrom('postings as p').innerJoin('journal_entries as e', (j) => j.onRef('e.customer_id', '=', 'p.customer_id').onRef('e.id', '=', 'p.entry_id'))
    .select(['p.debit_account', 'p.credit_account', 'p.amount_fen', 'p.plan_id'])
    .where('e.customer_id', '=', customerId).where('e.reference', '=', repaymentId).where('e.kind', 'in', ['repayment', 'waiver'])
    .orderBy('p.entry_id').orderBy('p.seq').execute();
  await postJournal(ctx.tx, { customerId, businessDate: ctx.businessDate, at: ctx.at, ids: ctx.deps.ids }, journal('repayment.reversed', repaymentId, postings.map((p) => ({
    debit: p.credit_account as AccountCode, credit: p.debit_account as AccountCode, amount: p.amount_fen, ...(p.plan_id ? { planId: p.plan_id } : {}),
  }))));
}
