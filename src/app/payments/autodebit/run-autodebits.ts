import { sql } from 'kysely';
import { addDays, type BusinessDate } from '../../../core/calendar/business-date.ts';
import { currentSlot, DEFAULT_LADDER, ladderSlots, type DebitLadder, type LadderSlot } from '../../../core/payments/debit-ladder.ts';
import { formatYuan } from '../../../core/money/parse.ts';
import { outstandingTotal } from '../../../core/servicing/installment-state.ts';
import { toState } from '../../../adapters/db/plan-store.ts';
import type { AutodebitResult } from '../../../adapters/db/schema.ts';
import type { AppDeps } from '../../deps.ts';
import type { Actor } from '../../context.ts';
import { execute } from '../../execute.ts';
import { paymentGateways } from '../gateways.ts';
import { createPayment } from '../create-payment.ts';
import { markFailed } from '../start-payment.ts';
import { settlePayment } from '../settle-payment.ts';
import type { AgreementRow } from './agreements.ts';
import { crashPoint } from '../crash-points.ts';
import { finishInterrupted } from './interrupted.ts';
import { paymentsDb } from '../tables.ts';

export type AutoDebitReport = Record<AutodebitResult | 'idle', number>;
const DEBIT_TTL_MS = 15 * 60_000;

interface Due { dueDate: BusinessDate; graceDays: number; owed: number }

/**
 * One round of auto-debit: for every active agreement, the earliest unpaid due date still
 * within its grace period decides the ladder; the step whose window is open now is taken
 * once (its attempt row's unique key is the claim), for exactly what is owed today.
 */
export async function runAutoDebitsOnce(deps: AppDeps, ladder: DebitLadder = DEFAULT_LADDER): Promise<AutoDebitReport> {
  const report: AutoDebitReport = { idle: 0, running: 0, succeeded: 0, insufficient_funds: 0, agreement_revoked: 0, failed: 0, skipped: 0 };
  const now = deps.clock.now();
  const today = await deps.calendar.today();
  await finishInterrupted(deps, now);
  // Only agreements with an installment inside its ladder's window today (due, not past grace)
  // can have a step to take: one query leaves the rest out, instead of two per agreement.
  // A superset of what dueFor accepts (it also needs something owed), so nothing is missed.
  const agreements = await paymentsDb(deps.db).selectFrom('autodebit_agreements as a').selectAll('a').where('a.status', '=', 'active')
    .where(sql<boolean>`exists (select 1 from plans p join installments i on i.customer_id = p.customer_id and i.plan_id = p.id
      where p.customer_id = a.customer_id and p.status = 'active' and (a.plan_id is null or p.id = a.plan_id)
        and i.due_date <= ${today}::date and i.due_date + p.grace_days >= ${today}::date)`)
    .orderBy('a.created_at').execute();
  for (const a of agreements) {
    try { report[await attemptFor(deps, a, now, today, ladder)]++; } catch (e) { deps.log(`autodebit ${a.id}: ${(e as Error).message}`); report.failed++; }
  }
  return report;
}

async function dueFor(deps: AppDeps, a: AgreementRow, today: BusinessDate): Promise<Due | undefined> {
  let plans = deps.db.selectFrom('plans').select(['id', 'grace_days']).where('customer_id', '=', a.customer_id).where('status', '=', 'active');
  if (a.plan_id) plans = plans.where('id', '=', a.plan_id);
  const rows = await plans.execute();
  if (rows.length === 0) return undefined;
  const installments = await deps.db.selectFrom('installments').selectAll().where('customer_id', '=', a.customer_id)
    .where('plan_id', 'in', rows.map((p) => p.id)).where('due_date', '<=', today).execute();
  const grace = new Map(rows.map((p) => [p.id, p.grace_days]));
  let due: Due | undefined;
  let owed = 0;
  for (const i of installments) {
    const left = outstandingTotal(toState(i));
    if (left === 0) continue;
    owed += left;
    const g = grace.get(i.plan_id)!;
    if (addDays(i.due_date, g) >= today && (!due || i.due_date < due.dueDate)) due = { dueDate: i.due_date, graceDays: g, owed: 0 };
  }
  return due ? { ...due, owed } : undefined;
}

async function attemptFor(deps: AppDeps, a: AgreementRow, now: Date, today: BusinessDate, ladder: DebitLadder): Promise<AutodebitResult | 'idle'> {
  const due = await dueFor(deps, a, today);
  const slot = due && currentSlot(ladderSlots(due.dueDate, due.graceDays, ladder), now);
  if (!due || !slot) return 'idle';
  const attemptId = deps.ids.next();
  const claimed = await deps.db.insertInto('autodebit_attempts').values({
    customer_id: a.customer_id, id: attemptId, agreement_id: a.id, due_date: due.dueDate, slot: slot.slot, scheduled_at: slot.at,
    amount_fen: due.owed, result: 'running', reason: null, payment_id: null, created_at: now, finished_at: null,
  }).onConflict((oc) => oc.columns(['customer_id', 'agreement_id', 'due_date', 'slot']).doNothing()).returning('id').executeTakeFirst();
  if (!claimed) return 'idle';
  crashPoint('debit:claimed');
  const finish = async (result: AutodebitResult, reason: string | null, paymentId: string | null = null) => {
    await deps.db.updateTable('autodebit_attempts').set({ result, reason, finished_at: deps.clock.now(), ...(paymentId ? { payment_id: paymentId } : {}) })
      .where('customer_id', '=', a.customer_id).where('id', '=', attemptId).execute();
    return result;
  };
  return debit(deps, a, due, slot, finish);
}

type Finish = (result: AutodebitResult, reason: string | null, paymentId?: string | null) => Promise<AutodebitResult>;

async function debit(deps: AppDeps, a: AgreementRow, due: Due, slot: LadderSlot, finish: Finish): Promise<AutodebitResult> {
  const gateway = paymentGateways(deps)[a.gateway];
  if (!gateway?.debit) return finish('failed', `${a.gateway} auto-debit is not configured`);
  const actor: Actor = { kind: 'system', id: `autodebit:${a.id}` };
  const target = a.plan_id ? { kind: 'amount' as const, planId: a.plan_id } : { kind: 'amount' as const };
  const created = await execute(deps, actor, (ctx) => createPayment(ctx, { customerId: a.customer_id, target, amount: due.owed, gateway: a.gateway, ttlMs: DEBIT_TTL_MS }));
  if (!created.ok) return finish(created.error.code === 'payment_in_flight' ? 'skipped' : 'failed', created.error.code === 'payment_in_flight' ? 'a payment is already in flight' : created.error.message);
  if (created.replayed) return finish('failed', 'unexpected replay');
  const payment = created.value;
  // Linked at once, so an attempt interrupted from here on is judged by its payment.
  await deps.db.updateTable('autodebit_attempts').set({ payment_id: payment.id }).where('customer_id', '=', a.customer_id).where('agreement_id', '=', a.id)
    .where('due_date', '=', due.dueDate).where('slot', '=', slot.slot).execute();
  crashPoint('debit:payment-created');
  let r;
  try {
    r = await gateway.debit({ agreementNo: a.agreement_no, outTradeNo: payment.out_trade_no, amount: payment.amount_fen, subject: '分期自动还款 Fenqi', notifyUrl: `${deps.config.publicUrl}/v1/payments/notify/${a.gateway}` });
  } catch (e) {
    // Unknown outcome: the payment stays in flight and the status poller settles or fails it.
    return finish('failed', `no answer from ${a.gateway} (${(e as Error).message}); the status query will settle it if money moved`, payment.id);
  }
  crashPoint('debit:after-gateway');
  switch (r.state) {
    case 'paid': {
      const s = await execute(deps, actor, (ctx) => settlePayment(ctx, payment.id, { amount: r.amount, gatewayRef: r.gatewayRef, source: 'autodebit' }));
      crashPoint('debit:settled');
      const good = s.ok && !s.replayed && (s.value.outcome === 'posted' || s.value.outcome === 'already_settled');
      return finish(good ? 'succeeded' : 'failed', good ? null : 'the gateway reported another amount; operations were alerted', payment.id);
    }
    case 'insufficient_funds':
      await markFailed(deps, payment, 'insufficient funds');
      await tell(deps, a, 'autodebit.insufficient_funds', due, slot);
      return finish('insufficient_funds', '余额不足 insufficient funds; will retry at the next time on the ladder', payment.id);
    case 'agreement_revoked':
      await markFailed(deps, payment, 'agreement revoked');
      await deps.db.updateTable('autodebit_agreements').set({ status: 'revoked', ended_at: deps.clock.now(), end_reason: 'revoked at the gateway' })
        .where('customer_id', '=', a.customer_id).where('id', '=', a.id).where('status', '=', 'active').execute();
      await tell(deps, a, 'autodebit.agreement_revoked', due, slot);
      return finish('agreement_revoked', '扣款协议已解除 the agreement was revoked at the gateway; auto-debit stopped', payment.id);
    case 'processing':
      // Deducted asynchronously (WeChat Pay): the attempt stays running, linked to its payment,
      // and is closed by its payment's result (notification or query; see finishInterrupted).
      return 'running';
    case 'failed':
      await markFailed(deps, payment, r.detail);
      await tell(deps, a, 'autodebit.failed', due, slot);
      return finish('failed', r.detail, payment.id);
  }
}

/** A failed attempt tells the customer, with the link to pay themselves; one notice per step. */
async function tell(deps: AppDeps, a: AgreementRow, template: string, due: Due, slot: LadderSlot): Promise<void> {
  await deps.notifier.send({
    channel: 'inbox', to: a.customer_id, template, locale: 'zh-CN', dedupKey: `${template}:${a.id}:${due.dueDate}:${slot.slot}`,
    params: { amount: formatYuan(due.owed), dueDate: due.dueDate, link: `${deps.config.publicUrl}/` },
  });
}

/** Runs auto-debit every intervalMs until the returned function is called. */
export function startAutoDebitRunner(deps: AppDeps, intervalMs: number, ladder: DebitLadder = DEFAULT_LADDER): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const round = async () => {
    try { await runAutoDebitsOnce(deps, ladder); } catch (e) { deps.log(`autodebit runner: ${(e as Error).message}`); }
    if (!stopped) { timer = setTimeout(round, intervalMs); timer.unref?.(); }
  };
  timer = setTimeout(round, intervalMs);
  timer.unref?.();
  return () => { stopped = true; if (timer) clearTimeout(timer); };
}
