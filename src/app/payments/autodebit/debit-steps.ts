import { sql } from 'kysely';
import { addDays, type BusinessDate } from '../../../core/calendar/business-date.ts';
import { currentSlot, ladderSlots, type DebitLadder, type LadderSlot } from '../../../core/payments/debit-ladder.ts';
import { formatYuan } from '../../../core/money/parse.ts';
import { outstandingTotal } from '../../../core/servicing/installment-state.ts';
import { toState } from '../../../adapters/db/plan-store.ts';
import type { AutodebitResult } from '../../../adapters/db/schema.ts';
import type { AppDeps } from '../../deps.ts';
import type { Actor } from '../../context.ts';
import { execute } from '../../execute.ts';
import type { DebitRequest, DebitResult } from '../ports.ts';
import type { PaymentRow } from '../payment-store.ts';
import { markFailed } from '../start-payment.ts';
import { settlePayment } from '../settle-payment.ts';
import { crashPoint } from '../crash-points.ts';
import type { AgreementRow } from './agreements.ts';

/**
 * The steps of one auto-debit attempt that the one-by-one path (run-autodebits.ts) and the
 * batch (debit-batch.ts) share, so both decide, ask and conclude the same way.
 */

export interface Due { dueDate: BusinessDate; graceDays: number; owed: number }
/** An agreement with a step to take now: what is due and the ladder's open slot. */
export interface Step { a: AgreementRow; due: Due; slot: LadderSlot }
/** How an attempt ends: its result and reason, and the payment it made, if any. */
export interface Finished { result: AutodebitResult; reason: string | null; paymentId?: string | null }

export const DEBIT_TTL_MS = 15 * 60_000;

export const debitActor = (a: AgreementRow): Actor => ({ kind: 'system', id: `autodebit:${a.id}` });

/**
 * What is due for each agreement, in one read for all: the earliest unpaid due date still
 * within its grace period decides the ladder, and the debit is for everything owed today on
 * the agreement's plans (one plan, or all the customer's active plans).
 */
export async function duesFor(deps: AppDeps, agreements: readonly AgreementRow[], today: BusinessDate): Promise<(Due | undefined)[]> {
  if (agreements.length === 0) return [];
  const rows = await deps.db.selectFrom('installments as i')
    .innerJoin('plans as p', (j) => j.onRef('p.customer_id', '=', 'i.customer_id').onRef('p.id', '=', 'i.plan_id'))
    .selectAll('i').select('p.grace_days')
    .where('p.customer_id', 'in', [...new Set(agreements.map((a) => a.customer_id))]).where('p.status', '=', 'active')
    .where('i.due_date', '<=', sql<BusinessDate>`${today}::date`)
    .orderBy('i.customer_id').orderBy('i.plan_id').orderBy('i.number').execute();
  const byCustomer = new Map<string, typeof rows>();
  for (const r of rows) {
    const list = byCustomer.get(r.customer_id) ?? [];
    list.push(r);
    byCustomer.set(r.customer_id, list);
  }
  return agreements.map((a) => {
    let due: Due | undefined;
    let owed = 0;
    for (const i of byCustomer.get(a.customer_id) ?? []) {
      if (a.plan_id && i.plan_id !== a.plan_id) continue;
      const left = outstandingTotal(toState(i));
      if (left === 0) continue;
      owed += left;
      if (addDays(i.due_date, i.grace_days) >= today && (!due || i.due_date < due.dueDate)) due = { dueDate: i.due_date, graceDays: i.grace_days, owed: 0 };
    }
    return due ? { ...due, owed } : undefined;
  });
}

/** The step to take now for an agreement with something due, if its ladder has a window open. */
export function stepOf(a: AgreementRow, due: Due | undefined, now: Date, ladder: DebitLadder): Step | undefined {
  const slot = due && currentSlot(ladderSlots(due.dueDate, due.graceDays, ladder), now);
  return due && slot ? { a, due, slot } : undefined;
}

/** The attempt row that claims a step (its unique key: customer, agreement, due date, slot). */
export function attemptRow(deps: AppDeps, s: Step, now: Date) {
  return {
    customer_id: s.a.customer_id, id: deps.ids.next(), agreement_id: s.a.id, due_date: s.due.dueDate, slot: s.slot.slot, scheduled_at: s.slot.at,
    amount_fen: s.due.owed, result: 'running' as const, reason: null, payment_id: null, created_at: now, finished_at: null,
  };
}

export const paymentInput = (s: Step) => ({
  customerId: s.a.customer_id, target: s.a.plan_id ? { kind: 'amount' as const, planId: s.a.plan_id } : { kind: 'amount' as const },
  amount: s.due.owed, gateway: s.a.gateway, ttlMs: DEBIT_TTL_MS,
});

/** createPayment's refusal, as the attempt records it. */
export const refused = (code: string, message: string): Finished =>
  (code === 'payment_in_flight' ? { result: 'skipped', reason: 'a payment is already in flight' } : { result: 'failed', reason: message });

export function debitRequest(deps: AppDeps, a: AgreementRow, payment: PaymentRow): DebitRequest {
  return { agreementNo: a.agreement_no, outTradeNo: payment.out_trade_no, amount: payment.amount_fen, subject: '分期自动还款 Fenqi', notifyUrl: `${deps.config.publicUrl}/v1/payments/notify/${a.gateway}` };
}

/** The gateway did not answer: the payment stays in flight and the status poller settles or fails it. */
export const unanswered = (a: AgreementRow, e: unknown, payment: PaymentRow): Finished =>
  ({ result: 'failed', reason: `no answer from ${a.gateway} (${(e as Error).message}); the status query will settle it if money moved`, paymentId: payment.id });

/** settlePayment's verdict, as the attempt records it. */
export const settledAs = (good: boolean, payment: PaymentRow): Finished =>
  ({ result: good ? 'succeeded' : 'failed', reason: good ? null : 'the gateway reported another amount; operations were alerted', paymentId: payment.id });

/**
 * Concludes one attempt from the gateway's answer, one by one: a 'paid' answer is settled
 * through settlePayment(); the others fail the payment and tell the customer. 'processing'
 * (WeChat Pay deducts asynchronously) leaves the attempt running, linked to its payment, to
 * be closed by its payment's result (notification or query; see finishInterrupted).
 */
export async function conclude(deps: AppDeps, s: Step, payment: PaymentRow, r: DebitResult): Promise<Finished | 'running'> {
  const { a } = s;
  switch (r.state) {
    case 'paid': {
      const settled = await execute(deps, debitActor(a), (ctx) => settlePayment(ctx, payment.id, { amount: r.amount, gatewayRef: r.gatewayRef, source: 'autodebit' }));
      crashPoint('debit:settled');
      return settledAs(settled.ok && !settled.replayed && (settled.value.outcome === 'posted' || settled.value.outcome === 'already_settled'), payment);
    }
    case 'insufficient_funds':
      await markFailed(deps, payment, 'insufficient funds');
      await tell(deps, s, 'autodebit.insufficient_funds');
      return { result: 'insufficient_funds', reason: '余额不足 insufficient funds; will retry at the next time on the ladder', paymentId: payment.id };
    case 'agreement_revoked':
      await markFailed(deps, payment, 'agreement revoked');
      await deps.db.updateTable('autodebit_agreements').set({ status: 'revoked', ended_at: deps.clock.now(), end_reason: 'revoked at the gateway' })
        .where('customer_id', '=', a.customer_id).where('id', '=', a.id).where('status', '=', 'active').execute();
      await tell(deps, s, 'autodebit.agreement_revoked');
      return { result: 'agreement_revoked', reason: '扣款协议已解除 the agreement was revoked at the gateway; auto-debit stopped', paymentId: payment.id };
    case 'processing':
      return 'running';
    case 'failed':
      await markFailed(deps, payment, r.detail);
      await tell(deps, s, 'autodebit.failed');
      return { result: 'failed', reason: r.detail, paymentId: payment.id };
  }
}

/** A failed attempt tells the customer, with the link to pay themselves; one notice per step. */
async function tell(deps: AppDeps, { a, due, slot }: Step, template: string): Promise<void> {
  await deps.notifier.send({
    channel: 'inbox', to: a.customer_id, template, locale: 'zh-CN', dedupKey: `${template}:${a.id}:${due.dueDate}:${slot.slot}`,
    params: { amount: formatYuan(due.owed), dueDate: due.dueDate, link: `${deps.config.publicUrl}/` },
  });
}
