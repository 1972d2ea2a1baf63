import { sql } from 'kysely';
import type { BusinessDate } from '../../../core/calendar/business-date.ts';
import type { DebitLadder } from '../../../core/payments/debit-ladder.ts';
import type { AutodebitResult } from '../../../adapters/db/schema.ts';
import { runTx } from '../../../adapters/db/tx.ts';
import { invariant } from '../../../core/result.ts';
import type { AppDeps } from '../../deps.ts';
import { paymentGateways } from '../gateways.ts';
import { createPayments } from '../create-payments.ts';
import type { DebitResult } from '../ports.ts';
import type { PaymentRow } from '../payment-store.ts';
import { settlePayments } from '../settle-payments.ts';
import { crashPoint } from '../crash-points.ts';
import type { AgreementRow } from './agreements.ts';
import { attemptRow, conclude, debitActor, debitRequest, duesFor, paymentInput, refused, settledAs, stepOf, unanswered, type Finished, type Step } from './debit-steps.ts';

/** A claimed step: its attempt row's id and, once made, its payment. */
interface Claimed extends Step { attemptId: string; payment?: PaymentRow; answer?: DebitResult; done?: Finished | 'running' }

/**
 * The auto-debit of a chunk of agreements, one customer each, set-based: what is due for all
 * in one read; every step claimed in one multi-row INSERT … ON CONFLICT DO NOTHING (the
 * unique key stays the claim: a step another runner claimed is idle here); the payments
 * created in one transaction through createPayments(), each with its own actor and audit, and
 * linked to their attempts in the same transaction (an attempt interrupted from there on is
 * judged by its payment, see finishInterrupted); the gateway asked for each debit, in order,
 * outside any transaction; every 'paid' answer settled in one transaction through
 * settlePayments() (the posting the batched notifications use, equal to settlePayment()'s);
 * the attempts finished in one statement. Rare answers (insufficient funds, revoked, failed,
 * processing, no answer) and a paid debit the batch leaves out (another amount) conclude one
 * by one, exactly as the single path does. The crash points are passed once per chunk, at
 * the same steps as the single path.
 */
export async function debitChunk(deps: AppDeps, agreements: readonly AgreementRow[], now: Date, today: BusinessDate, ladder: DebitLadder): Promise<(AutodebitResult | 'idle')[]> {
  invariant(new Set(agreements.map((a) => a.customer_id)).size === agreements.length, 'a debit chunk has one agreement per customer');
  const dues = await duesFor(deps, agreements, today);
  const steps = agreements.flatMap((a, i) => stepOf(a, dues[i], now, ladder) ?? []);
  const claimed = await claim(deps, steps, now);
  if (claimed.length > 0) {
    crashPoint('debit:claimed');
    await createDebitPayments(deps, claimed);
    crashPoint('debit:payment-created');
    await askGateways(deps, claimed);
    crashPoint('debit:after-gateway');
    await settlePaid(deps, claimed);
    for (const c of claimed) if (!c.done) c.done = await conclude(deps, c, c.payment!, c.answer!);
    await finish(deps, claimed);
  }
  const byAgreement = new Map(claimed.map((c) => [c.a.id, c.done === 'running' ? 'running' as const : c.done!.result]));
  return agreements.map((a) => byAgreement.get(a.id) ?? 'idle');
}

async function claim(deps: AppDeps, steps: readonly Step[], now: Date): Promise<Claimed[]> {
  if (steps.length === 0) return [];
  const rows = steps.map((s) => attemptRow(deps, s, now));
  const won = await deps.db.insertInto('autodebit_attempts').values(rows)
    .onConflict((oc) => oc.columns(['customer_id', 'agreement_id', 'due_date', 'slot']).doNothing()).returning('id').execute();
  const ids = new Set(won.map((w) => w.id));
  return steps.flatMap((s, i) => (ids.has(rows[i]!.id) ? [{ ...s, attemptId: rows[i]!.id }] : []));
}

/**
 * One transaction, as startPayments() does: every payment through ONE createPayments() (one
 * lock, one read, one insert per table; it decides before it writes, so a refusal writes
 * nothing), each with its own actor and audit record, then one statement links every
 * attempt to its payment.
 */
async function createDebitPayments(deps: AppDeps, claimed: Claimed[]): Promise<void> {
  const gateways = paymentGateways(deps);
  const businessDate = await deps.calendar.today();
  await runTx(deps.db, async (tx) => {
    const at = deps.clock.now();
    // Decided in customer_id order, the order the one-by-one loop took the customers' locks in (so ids are taken in the same order too).
    const asked = [...claimed].sort((x, y) => (x.a.customer_id < y.a.customer_id ? -1 : x.a.customer_id > y.a.customer_id ? 1 : 0)).filter((c) => {
      if (gateways[c.a.gateway]?.debit) return true;
      c.done = { result: 'failed', reason: `${c.a.gateway} auto-debit is not configured` };
      return false;
    });
    const made = await createPayments({ tx, deps, at, businessDate }, asked.map((c) => ({ actor: debitActor(c.a), input: paymentInput(c) })));
    const links: { customer_id: string; id: string; payment_id: string }[] = [];
    made.forEach((r, k) => {
      const c = asked[k]!;
      if (!r.ok) { c.done = refused(r.error.code, r.error.message); return; }
      c.payment = r.value;
      links.push({ customer_id: c.a.customer_id, id: c.attemptId, payment_id: r.value.id });
    });
    if (links.length > 0) {
      await sql`update autodebit_attempts t set payment_id = v.payment_id
        from jsonb_to_recordset(${JSON.stringify(links)}::jsonb) as v(customer_id uuid, id uuid, payment_id uuid)
        where t.customer_id = v.customer_id and t.id = v.id`.execute(tx);
    }
  });
}

/** One call per debit, in chunk order, outside any transaction (GUIDE rule 7). */
async function askGateways(deps: AppDeps, claimed: Claimed[]): Promise<void> {
  const gateways = paymentGateways(deps);
  for (const c of claimed) {
    if (!c.payment) continue;
    try {
      c.answer = await gateways[c.a.gateway]!.debit!(debitRequest(deps, c.a, c.payment));
    } catch (e) {
      c.done = unanswered(c.a, e, c.payment);
    }
  }
}

async function settlePaid(deps: AppDeps, claimed: Claimed[]): Promise<void> {
  const paid = claimed.flatMap((c) => (!c.done && c.answer?.state === 'paid' ? [{ c, amount: c.answer.amount, gatewayRef: c.answer.gatewayRef }] : []));
  if (paid.length === 0) return;
  const settled = await settlePayments(deps, { kind: 'system', id: 'autodebit' },
    paid.map((p) => ({ payment: p.c.payment!, amount: p.amount, gatewayRef: p.gatewayRef, actor: debitActor(p.c.a) })), 'autodebit');
  crashPoint('debit:settled');
  // Posted, or already settled by a notification or the poller: either way the debit succeeded.
  for (const s of settled) paid[s.index]!.c.done = settledAs(true, paid[s.index]!.c.payment!);
}

/** Every concluded attempt in one statement; a 'running' one waits for its payment's result. */
async function finish(deps: AppDeps, claimed: readonly Claimed[]): Promise<void> {
  const rows = claimed.flatMap((c) => (c.done && c.done !== 'running'
    ? [{ customer_id: c.a.customer_id, id: c.attemptId, result: c.done.result, reason: c.done.reason, payment_id: c.done.paymentId ?? null }] : []));
  if (rows.length === 0) return;
  await sql`update autodebit_attempts t set result = v.result, reason = v.reason, finished_at = ${deps.clock.now()}, payment_id = coalesce(v.payment_id, t.payment_id)
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(customer_id uuid, id uuid, result text, reason text, payment_id uuid)
    where t.customer_id = v.customer_id and t.id = v.id`.execute(deps.db);
}
