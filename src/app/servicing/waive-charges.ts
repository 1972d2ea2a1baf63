import { domainError, type DomainError } from '../../core/errors.ts';
import type { Component } from '../../core/ledger/accounts.ts';
import type { Fen } from '../../core/money/fen.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { outstandingOf, outstandingTotal } from '../../core/servicing/installment-state.ts';
import { applyAllocations } from '../../core/allocation/allocate.ts';
import { adjustInstallments } from '../../adapters/db/plan-store.ts';
import { postJournal } from '../../adapters/db/ledger-store.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import { loadCustomerBook } from './customer-book.ts';
import { waiverEntry } from './repayment-entry.ts';
import { earnedInstallments } from './earned-installments.ts';

export interface WaiveInput {
  customerId: string;
  planId: string;
  installmentNumber: number;
  component: Exclude<Component, 'principal'>;
  amount: Fen;
  reason: string;
  source?: 'staff' | 'hardship' | 'outage';
}

export interface Waived { waiverId: string; planId: string; installmentNumber: number; component: Component; amount: Fen; planPaidOff: boolean }

/** 减免: forgives part of a penalty, fee or interest with a recorded reason. Principal is never waived here. */
export async function waiveCharges(ctx: TxContext, input: WaiveInput): Promise<Result<Waived, DomainError>> {
  if (!input.reason.trim()) return err(domainError('waiver_invalid', 'a waiver needs a reason', 'reason'));
  const book = await loadCustomerBook(ctx.tx, input.customerId, [input.planId]);
  const plan = book?.plans[0];
  if (!plan || plan.row.status !== 'active') return err(domainError('plan_not_found', 'no open plan with that id for this customer', 'planId'));
  const inst = plan.states.find((i) => i.number === input.installmentNumber);
  if (!inst) return err(domainError('validation_failed', `no installment numbered ${input.installmentNumber}`, 'installmentNumber'));
  const owed = outstandingOf(inst, input.component);
  if (input.amount <= 0 || input.amount > owed) return err(domainError('waiver_invalid', `between 0.01 and ${(owed / 100).toFixed(2)} of ${input.component} can be waived on installment ${inst.number}`, 'amount'));
  const allocation = { installmentNumber: inst.number, component: input.component, amount: input.amount };
  const waiverId = ctx.deps.ids.next();
  await adjustInstallments(ctx.tx, input.customerId, input.planId, 'waived', [allocation], 1, ctx.businessDate);
  await ctx.tx.insertInto('waivers').values({
    customer_id: input.customerId, id: waiverId, plan_id: input.planId, installment_number: inst.number, component: input.component,
    amount_fen: input.amount, source: input.source ?? 'staff', reason: input.reason, repayment_id: null,
    actor: `${ctx.actor.kind}:${ctx.actor.id}`, business_date: ctx.businessDate, created_at: ctx.at, reversed_at: null,
  }).execute();
  await postJournal(ctx.tx, { customerId: input.customerId, businessDate: ctx.businessDate, at: ctx.at, ids: ctx.deps.ids },
    waiverEntry(waiverId, [{ planId: input.planId, allocations: [allocation] }], 'waiver', await earnedInstallments(ctx.tx, input.customerId, [input.planId])));
  const paidOff = applyAllocations(plan.states, [allocation], 'waived').every((i) => outstandingTotal(i) === 0);
  if (paidOff) {
    await ctx.tx.updateTable('plans').set({ status: 'paid_off', closed_on: ctx.businessDate, updated_at: ctx.at })
      .where('customer_id', '=', input.customerId).where('id', '=', input.planId).execute();
  }
  await audit(ctx, 'charges.waive', `plan:${input.planId}`, { installmentNumber: inst.number, component: input.component, amountFen: input.amount, reason: input.reason });
  return ok({ waiverId, planId: input.planId, installmentNumber: inst.number, component: input.component, amount: input.amount, planPaidOff: paidOff });
}
