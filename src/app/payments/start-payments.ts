import { sql } from 'kysely';
import type { DomainError } from '../../core/errors.ts';
import { err, invariant, ok, type Result } from '../../core/result.ts';
import { runTx } from '../../adapters/db/tx.ts';
import type { Actor } from '../context.ts';
import type { AppDeps } from '../deps.ts';
import type { CreatePaymentInput } from './create-payment.ts';
import { createPayments } from './create-payments.ts';
import { gatewayOf } from './gateways.ts';
import type { PaymentRow } from './payment-store.ts';
import { openCashiers, PAYMENT_TTL_MS } from './start-payment.ts';

export interface PaymentStart { actor: Actor; input: Omit<CreatePaymentInput, 'ttlMs'> }

/**
 * startPayment() for a list of customers' payments (no Idempotency-Keys: for callers that
 * start each payment once, as the simulator does): the same three steps, each done for the
 * whole list at once. (1) ONE transaction records every payment through createPayments()
 * (one lock, one read, one insert per table for the list), decided in list order, each with
 * its own actor and audit record; a payment it refuses (target not payable, a payment in
 * flight for the same plans, no such customer) gets its error and has written nothing. (2) The
 * gateway is asked for the cashiers, outside any transaction (openCashiers: one call per
 * gateway where it takes a batch, as the sandbox does; a payment it cannot open is failed).
 * (3) One statement marks the opened ones pending with their payloads and returns them.
 *
 * A list in which a customer appears twice is decided in order, the second seeing the first
 * in flight, as one-by-one calls would.
 */
export async function startPayments(deps: AppDeps, starts: readonly PaymentStart[]): Promise<Result<PaymentRow, DomainError>[]> {
  if (starts.length === 0) return [];
  const results: Result<PaymentRow, DomainError>[] = new Array(starts.length);
  const businessDate = await deps.calendar.today();
  const created = await runTx(deps.db, async (tx) => {
    const at = deps.clock.now();
    const rows: (PaymentRow | null)[] = new Array(starts.length).fill(null);
    const asked: number[] = [];
    for (let i = 0; i < starts.length; i++) {
      const gateway = gatewayOf(deps, starts[i]!.input.gateway);
      if (gateway.ok) asked.push(i);
      else results[i] = err(gateway.error);
    }
    const made = await createPayments({ tx, deps, at, businessDate },
      asked.map((i) => ({ actor: starts[i]!.actor, input: { ...starts[i]!.input, ttlMs: PAYMENT_TTL_MS } })));
    made.forEach((r, k) => {
      if (r.ok) rows[asked[k]!] = r.value;
      else results[asked[k]!] = err(r.error);
    });
    return rows;
  });
  const opened: { index: number; row: PaymentRow; payload: unknown }[] = [];
  // Each gateway's payments together (one call where it takes a batch), in list order within it.
  const byGateway = new Map<string, number[]>();
  for (let i = 0; i < starts.length; i++) {
    const row = created[i];
    if (!row) continue;
    const list = byGateway.get(row.gateway);
    if (list) list.push(i); else byGateway.set(row.gateway, [i]);
  }
  for (const [name, indexes] of byGateway) {
    const gateway = gatewayOf(deps, name as PaymentRow['gateway']);
    invariant(gateway.ok, 'a payment was created for a configured gateway');
    const payloads = await openCashiers(deps, gateway.value, indexes.map((i) => created[i]!));
    payloads.forEach((payload, k) => {
      const index = indexes[k]!;
      if (payload.ok) opened.push({ index, row: created[index]!, payload: payload.value });
      else results[index] = payload;
    });
  }
  opened.sort((x, y) => x.index - y.index);
  if (opened.length > 0) {
    const at = deps.clock.now();
    const values = JSON.stringify(opened.map((o) => ({ customer_id: o.row.customer_id, id: o.row.id, payload: o.payload })));
    const fresh = await runTx(deps.db, async (tx) => (await sql<PaymentRow>`
      update payments p set status = 'pending', payload = v.payload, updated_at = ${at}
      from jsonb_to_recordset(${values}::jsonb) as v(customer_id uuid, id uuid, payload jsonb)
      where p.customer_id = v.customer_id and p.id = v.id and p.status = 'created' returning p.*`.execute(tx)).rows);
    const byId = new Map(fresh.map((p) => [p.id, p]));
    for (const o of opened) {
      // Not marked pending only if something else moved it meanwhile (a poller that failed it): return it as it now is, as startPayment's re-read does.
      const row = byId.get(o.row.id) ?? await deps.db.selectFrom('payments').selectAll().where('customer_id', '=', o.row.customer_id).where('id', '=', o.row.id).executeTakeFirstOrThrow();
      results[o.index] = ok(row);
    }
  }
  return results;
}
