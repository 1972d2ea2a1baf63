import { sql } from 'kysely';
import type { DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { runTx } from '../../adapters/db/tx.ts';
import type { TxContext } from '../context.ts';
import type { AppDeps } from '../deps.ts';
import { readCheckoutFacts } from './checkout-facts.ts';
import { decideCheckouts, type CheckoutItem } from './checkout-decision.ts';
import { writeCheckouts } from './checkout-writes.ts';
import type { CreatedPlan } from './create-plan.ts';

export type { CheckoutItem } from './checkout-decision.ts';

/** What checking out a list of orders did, inside the caller's transaction (see checkOut). */
export interface CheckoutOutcome {
  results: Result<CreatedPlan, DomainError>[];
  /** Set when a concurrent checkout took a merchant order id or a partner's last quota after the reads: roll back. */
  raced: DomainError | null;
  /** Customers this checkout created for orders that were all declined (the one-order path rolls them back). */
  unused: string[];
}

/**
 * Checkout (下单分期) of a list of merchant orders in the caller's transaction, in three
 * phases whatever the list's length: read (checkout-facts.ts: products offered, customers
 * found or created, credit lines locked in one global order, profiles, overdue counts,
 * partners, merchant orders taken), decide in memory in list order (checkout-decision.ts:
 * origination rules, quote, the risk port per order, partner routing), write every approved
 * plan in one statement (checkout-writes.ts). createPlan is this with a list of one.
 */
export async function checkOut(ctx: Omit<TxContext, 'actor'>, items: readonly CheckoutItem[]): Promise<CheckoutOutcome> {
  const facts = await readCheckoutFacts(ctx, items.map((i) => i.input));
  const decided = await decideCheckouts(ctx, items, facts);
  const plans = decided.flatMap((d) => (d.ok ? [d.value] : []));
  const withPlan = new Set(plans.map((p) => p.customerId));
  const usedFen = new Map([...facts.customers.values()].filter((c) => withPlan.has(c.ref.customerId)).map((c) => [c.ref.customerId, c.line!.used_fen]));
  const raced = await writeCheckouts(ctx, plans, usedFen);
  const results = decided.map((d): Result<CreatedPlan, DomainError> => (d.ok
    ? ok({ planId: d.value.ids.plan, customerId: d.value.customerId, customerCreated: d.value.customerCreated, quote: d.value.quote, status: 'active' })
    : err(d.error)));
  const unused = [...new Set([...facts.customers.values()].filter((c) => c.ref.created && !withPlan.has(c.ref.customerId)).map((c) => c.ref.customerId))];
  return { results, raced, unused };
}

class Raced extends Error {}
const MAX_ATTEMPTS = 5;

/**
 * createPlan() for a list of orders (no Idempotency-Keys: for callers that check each order
 * out once, as the simulator does), in ONE transaction of about a dozen statements whatever
 * the list's length. Each order gets the result checkout of that order alone would give it
 * after the list's earlier orders (a customer twice is decided in order, the second seeing
 * the first's use of the credit line; a merchant order id already used gets
 * merchant_order_exists), and a declined order writes nothing: the customers created for
 * declined orders only are removed again before commit, as the one-order path's rollback
 * removes them. If a concurrent checkout takes an order id or a partner's last quota between
 * the reads and the write, the whole list is rolled back and decided again on fresh reads.
 */
export async function createPlans(deps: AppDeps, items: readonly CheckoutItem[]): Promise<Result<CreatedPlan, DomainError>[]> {
  if (items.length === 0) return [];
  const businessDate = await deps.calendar.today();
  for (let attempt = 1; ; attempt++) {
    try {
      return await runTx(deps.db, async (tx) => {
        const ctx = { tx, deps, at: deps.clock.now(), businessDate };
        const outcome = await checkOut(ctx, items);
        if (outcome.raced) throw new Raced(outcome.raced.message);
        await removeCustomers(ctx, outcome.unused);
        return outcome.results;
      });
    } catch (e) {
      if (!(e instanceof Raced) || attempt >= MAX_ATTEMPTS) throw e;
    }
  }
}

async function removeCustomers(ctx: Omit<TxContext, 'actor'>, customerIds: readonly string[]): Promise<void> {
  if (customerIds.length === 0) return;
  await sql`
    with line as (delete from credit_lines where customer_id = any(${customerIds}::uuid[])),
      phone as (delete from customer_phones where customer_id = any(${customerIds}::uuid[]))
    delete from customers where id = any(${customerIds}::uuid[])`.execute(ctx.tx);
}
