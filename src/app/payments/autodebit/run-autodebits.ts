import { sql } from 'kysely';
import type { BusinessDate } from '../../../core/calendar/business-date.ts';
import { DEFAULT_LADDER, type DebitLadder } from '../../../core/payments/debit-ladder.ts';
import type { AutodebitResult } from '../../../adapters/db/schema.ts';
import type { AppDeps } from '../../deps.ts';
import { execute } from '../../execute.ts';
import { paymentGateways } from '../gateways.ts';
import { createPayment } from '../create-payment.ts';
import type { AgreementRow } from './agreements.ts';
import { crashPoint } from '../crash-points.ts';
import { finishInterrupted } from './interrupted.ts';
import { paymentsDb } from '../tables.ts';
import { debitChunk } from './debit-batch.ts';
import { attemptRow, conclude, debitActor, debitRequest, duesFor, paymentInput, refused, stepOf, unanswered, type Finished, type Step } from './debit-steps.ts';

export type AutoDebitReport = Record<AutodebitResult | 'idle', number>;

/** Agreements whose debits are taken together (debit-batch.ts): a few hundred per transaction. */
export const DEBIT_CHUNK = 250;

export interface AutoDebitOptions {
  /** false: every agreement one by one (the single path the batch must equal). */
  batch?: boolean;
  chunkSize?: number;
}

/**
 * One round of auto-debit: for every active agreement, the earliest unpaid due date still
 * within its grace period decides the ladder; the step whose window is open now is taken
 * once (its attempt row's unique key is the claim), for exactly what is owed today.
 *
 * Each customer's first agreement is debited in chunks (debit-batch.ts: one read, one claim,
 * one transaction creating the payments, the gateway asked for each, one transaction settling
 * the paid ones); a customer's further agreements follow, one by one, after all the chunks, so
 * each sees what the first one's debit left owed and in flight — as in a round that takes the
 * agreements one after the other. Customers' books are independent, so the order across
 * customers changes nothing.
 */
export async function runAutoDebitsOnce(deps: AppDeps, ladder: DebitLadder = DEFAULT_LADDER, options: AutoDebitOptions = {}): Promise<AutoDebitReport> {
  const report: AutoDebitReport = { idle: 0, running: 0, succeeded: 0, insufficient_funds: 0, agreement_revoked: 0, failed: 0, skipped: 0 };
  const now = deps.clock.now();
  const today = await deps.calendar.today();
  await finishInterrupted(deps, now);
  // Only agreements with an installment inside its ladder's window today (due, not past grace)
  // can have a step to take: one query leaves the rest out, instead of two per agreement.
  // A superset of what duesFor accepts (it also needs something owed), so nothing is missed.
  const agreements = await paymentsDb(deps.db).selectFrom('autodebit_agreements as a').selectAll('a').where('a.status', '=', 'active')
    .where(sql<boolean>`exists (select 1 from plans p join installments i on i.customer_id = p.customer_id and i.plan_id = p.id
      where p.customer_id = a.customer_id and p.status = 'active' and (a.plan_id is null or p.id = a.plan_id)
        and i.due_date <= ${today}::date and i.due_date + p.grace_days >= ${today}::date)`)
    .orderBy('a.created_at').execute();
  const seen = new Set<string>();
  const first: AgreementRow[] = [];
  const later: AgreementRow[] = [];
  for (const a of agreements) {
    (options.batch !== false && !seen.has(a.customer_id) ? first : later).push(a);
    seen.add(a.customer_id);
  }
  const chunk = Math.max(1, options.chunkSize ?? DEBIT_CHUNK);
  for (let i = 0; i < first.length; i += chunk) {
    const part = first.slice(i, i + chunk);
    try {
      for (const r of await debitChunk(deps, part, now, today, ladder)) report[r]++;
    } catch (e) {
      // Claimed attempts of the chunk stay running: finishInterrupted closes them by their payments' state.
      deps.log(`autodebit chunk of ${part.length}: ${(e as Error).message}`);
      report.failed += part.length;
    }
  }
  for (const a of later) {
    try { report[await attemptFor(deps, a, now, today, ladder)]++; } catch (e) { deps.log(`autodebit ${a.id}: ${(e as Error).message}`); report.failed++; }
  }
  return report;
}

/** One agreement, one by one: the single path. */
async function attemptFor(deps: AppDeps, a: AgreementRow, now: Date, today: BusinessDate, ladder: DebitLadder): Promise<AutodebitResult | 'idle'> {
  const [due] = await duesFor(deps, [a], today);
  const step = stepOf(a, due, now, ladder);
  if (!step) return 'idle';
  const row = attemptRow(deps, step, now);
  const claimed = await deps.db.insertInto('autodebit_attempts').values(row)
    .onConflict((oc) => oc.columns(['customer_id', 'agreement_id', 'due_date', 'slot']).doNothing()).returning('id').executeTakeFirst();
  if (!claimed) return 'idle';
  crashPoint('debit:claimed');
  const done = await debit(deps, step, row.id);
  if (done === 'running') return 'running';
  await deps.db.updateTable('autodebit_attempts').set({ result: done.result, reason: done.reason, finished_at: deps.clock.now(), ...(done.paymentId ? { payment_id: done.paymentId } : {}) })
    .where('customer_id', '=', a.customer_id).where('id', '=', row.id).execute();
  return done.result;
}

async function debit(deps: AppDeps, step: Step, attemptId: string): Promise<Finished | 'running'> {
  const { a } = step;
  const gateway = paymentGateways(deps)[a.gateway];
  if (!gateway?.debit) return { result: 'failed', reason: `${a.gateway} auto-debit is not configured` };
  const created = await execute(deps, debitActor(a), (ctx) => createPayment(ctx, paymentInput(step)));
  if (!created.ok) return refused(created.error.code, created.error.message);
  if (created.replayed) return { result: 'failed', reason: 'unexpected replay' };
  const payment = created.value;
  // Linked at once, so an attempt interrupted from here on is judged by its payment.
  await deps.db.updateTable('autodebit_attempts').set({ payment_id: payment.id }).where('customer_id', '=', a.customer_id).where('id', '=', attemptId).execute();
  crashPoint('debit:payment-created');
  let r;
  try {
    r = await gateway.debit(debitRequest(deps, a, payment));
  } catch (e) {
    return unanswered(a, e, payment);
  }
  crashPoint('debit:after-gateway');
  return conclude(deps, step, payment, r);
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
