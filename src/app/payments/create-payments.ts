import { sql } from 'kysely';
import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { outTradeNoOf } from '../../core/payments/payment-status.ts';
import { lockCustomersQuery } from '../../adapters/db/plan-store.ts';
import { inOneTrip } from '../../adapters/db/one-trip.ts';
import { auditRow, auditRows, type AuditRow } from '../audit.ts';
import type { Actor, TxContext } from '../context.ts';
import { bookReadQuery, parseBookRead } from '../servicing/batch/book-read.ts';
import type { CustomerBook } from '../servicing/customer-book.ts';
import { currentBillDueDate, planTargets } from '../servicing/repayment-targets.ts';
import type { CreatePaymentInput } from './create-payment.ts';
import { clashingPayment, paymentInFlight } from './in-flight-clash.ts';
import type { PaymentRow } from './payment-store.ts';
import { isUuid } from '../../core/ids.ts';

/** One payment of a list: who asks (recorded on its audit row) and what. */
export interface PaymentToCreate { actor: Actor; input: CreatePaymentInput }

/** A transaction shared by payments of several actors: each item brings its own. */
export type BatchTxContext = Omit<TxContext, 'actor'>;


/**
 * createPayment() for a list, set-based, in the caller's transaction: ONE statement locks
 * every customer (customer_id order, the global lock order), ONE reads their books and their
 * payments in flight (book-read.ts, after the locks, so it sees what a previous holder
 * committed), then the items are decided in list order exactly as createPayment() decides one
 * (customer known, target payable now, no payment in flight for the same plans), and the
 * created ones are written with one statement per table (payments, payment_orders,
 * audit_log). An item created earlier in the list is in flight for the later ones: a customer
 * twice is decided as two calls one after the other would. A refusal is that item's value
 * and writes nothing; ids are taken in the one-by-one order (payment, then its audit row).
 */
export async function createPayments(ctx: BatchTxContext, items: readonly PaymentToCreate[]): Promise<Result<PaymentRow, DomainError>[]> {
  if (items.length === 0) return [];
  const { tx, businessDate, at } = ctx;
  // A customer id that is not a UUID names no customer (and would fail the ::uuid[] casts for the whole list).
  const ids = [...new Set(items.map((i) => i.input.customerId).filter(isUuid))];
  const books = new Map<string, CustomerBook>();
  const inFlight = new Map<string, { id: string; plan_ids: unknown }[]>();
  if (ids.length > 0) {
    // The read goes out behind the lock and runs once the lock is held (one round trip).
    const [locked, booksRead] = await inOneTrip(tx, lockCustomersQuery(ids), bookReadQuery(ids));
    const lines = locked.rows;
    const read = parseBookRead(booksRead.rows);
    for (const line of lines) {
      books.set(line.customer_id, { line, plans: read.plans.get(line.customer_id) ?? [] });
      inFlight.set(line.customer_id, (read.marks.get(line.customer_id)?.payments_in_flight ?? []).map(([id, planIds]) => ({ id, plan_ids: planIds })));
    }
  }
  const results: Result<PaymentRow, DomainError>[] = [];
  const rows: PaymentRow[] = [];
  const audits: AuditRow[] = [];
  for (const { actor, input } of items) {
    const book = books.get(input.customerId);
    if (!book) { results.push(err(domainError('customer_not_found', 'no such customer'))); continue; }
    let target = input.target;
    // Fix the bill's due date now, so a payment made after the next bill opens still pays this one.
    if (target.kind === 'bill' && !target.dueDate) {
      const due = currentBillDueDate(book.plans, businessDate);
      if (due) target = { kind: 'bill', dueDate: due };
    }
    const targeted = planTargets(book, target, input.amount, businessDate);
    if (!targeted.ok) { results.push(targeted); continue; }
    const planIds = [...new Set([...targeted.value.parts, ...targeted.value.waivers].map((p) => p.planId))].sort();
    const flying = inFlight.get(input.customerId)!;
    const clash = clashingPayment(flying, planIds);
    if (clash) { results.push(err(paymentInFlight(clash))); continue; }
    const id = ctx.deps.ids.next();
    const row: PaymentRow = {
      customer_id: input.customerId, id, gateway: input.gateway, out_trade_no: outTradeNoOf(id), kind: target.kind, target, plan_ids: planIds,
      amount_fen: input.amount, status: 'created', payload: null, gateway_ref: null, repayment_id: null, settled_by: null, failure_reason: null,
      query_attempts: 0, next_query_at: new Date(at.getTime() + 60_000), expires_at: new Date(at.getTime() + input.ttlMs), business_date: businessDate,
      created_at: at, updated_at: at, settled_at: null,
    };
    flying.push({ id, plan_ids: planIds });
    rows.push(row);
    audits.push(auditRow({ ...ctx, actor }, 'payment.create', `payment:${id}`, { gateway: input.gateway, kind: target.kind, amountFen: input.amount }));
    results.push(ok(row));
  }
  if (rows.length > 0) {
    // jsonb_populate_recordset: one parameter whatever the list's length (a multi-row VALUES would hit the 65,535-parameter limit).
    const json = JSON.stringify(rows);
    await sql`insert into payments (customer_id, id, gateway, out_trade_no, kind, target, plan_ids, amount_fen, status, payload, gateway_ref,
        repayment_id, settled_by, failure_reason, query_attempts, next_query_at, expires_at, business_date, created_at, updated_at, settled_at)
      select customer_id, id, gateway, out_trade_no, kind, target, plan_ids, amount_fen, status, payload, gateway_ref,
        repayment_id, settled_by, failure_reason, query_attempts, next_query_at, expires_at, business_date, created_at, updated_at, settled_at
      from jsonb_populate_recordset(null::payments, ${json}::jsonb)`.execute(tx);
    await sql`insert into payment_orders (out_trade_no, customer_id, payment_id, gateway)
      select out_trade_no, customer_id, id, gateway from jsonb_to_recordset(${json}::jsonb)
        as v(out_trade_no text, customer_id uuid, id uuid, gateway text)`.execute(tx);
    await auditRows(tx, audits);
  }
  return results;
}
