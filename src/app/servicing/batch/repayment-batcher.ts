import type { StoredResponse } from '../../../adapters/db/idempotency.ts';
import { domainError } from '../../../core/errors.ts';
import type { Actor } from '../../context.ts';
import type { AppDeps } from '../../deps.ts';
import type { Executed, Idempotency } from '../../execute.ts';
import type { PostedRepayment, PostRepaymentInput } from '../post-repayment.ts';
import { keyOf, settleKeysWrites, type HeldKey } from './idempotency-keys.ts';
import { RepaymentPosting } from './post-repayments.ts';
import { NaturalBatcher, type BatchCounters } from './natural-batcher.ts';
import { runTx } from '../../../adapters/db/tx.ts';

/** One request to post a repayment, as the HTTP route hands it over. */
export interface RepaymentRequest {
  actor: Actor;
  input: PostRepaymentInput;
  idempotency?: Idempotency;
  /** A customer's own request: refused (409 payment_in_flight) while a gateway payment may cover the same plans. */
  refuseWhilePaymentInFlight?: boolean;
  /**
   * The customer session the request came with (its token hash), when the caller took the
   * customer id from a cache: the transaction checks, under the customer's lock, that it is
   * still one of the customer's live sessions; when it is not, the request does nothing (not
   * even replay a stored answer) and gets `unauthorized`.
   */
  sessionTokenHash?: string;
}

export interface BatcherOptions {
  /** The response stored under the request's Idempotency-Key (what a retry gets back). */
  respond: (value: PostedRepayment) => StoredResponse;
  /** Most requests in one transaction. */
  maxBatch?: number;
  /** Batches in flight at once (1: the next batch fills while this one runs), before any has stalled. */
  maxInFlight?: number;
  /** Batches in flight at once when some have been in flight longer than STALLED_AFTER_MS (waiting on a lock). */
  maxInFlightStalled?: number;
}

/** A batch in flight this long is taken to be waiting on a lock (a batch takes a few milliseconds under load). */
export const STALLED_AFTER_MS = 50;

/** Process-wide counters, for the benchmark and for operators: how well requests are being grouped. */
export const batchStats: BatchCounters = { batches: 0, items: 0, largest: 0, fallbacks: 0 };

/**
 * Group commit for repayments (micro-batching): concurrent requests share ONE transaction
 * that claims all their idempotency keys, posts them all through the set-based
 * RepaymentPosting, and stores all their responses (see NaturalBatcher for how groups form).
 *
 * Each request keeps every guarantee it has alone. Its key is claimed, and its response stored,
 * in the same transaction as its money write; its journal entry, audit record and outbox event
 * are in that transaction too; customers are locked in one global order. A request that fails
 * with a domain error writes nothing and its key claim is deleted before commit, as a rollback
 * of its own transaction would. Requests in one batch with the same key behave as if they ran
 * one after the other: the first runs, the rest replay its response (or get 409 when their
 * parameters differ); if the first failed, the next runs in its place. When the batch's
 * transaction fails (a database error, a broken invariant), each of its requests is run again
 * alone, so one bad request cannot fail its neighbours.
 */
export class RepaymentBatcher {
  private readonly batcher: NaturalBatcher<RepaymentRequest, Executed<PostedRepayment>>;

  constructor(deps: AppDeps, options: BatcherOptions) {
    const maxInFlight = deps.dbKind === 'pglite' ? 1 : options.maxInFlight ?? 1;
    this.batcher = new NaturalBatcher((requests) => runBatch(deps, requests, options.respond), {
      maxBatch: options.maxBatch ?? 64,
      // One batch in flight, on PGlite (it runs one transaction at a time: a second batch would
      // only wait, smaller) and on a server alike: the next batch fills while this one runs. A
      // batch's cost is mostly fixed (five statements whatever its size), so
      // fewer batches in flight make bigger ones and less CPU per repayment on both sides. On
      // the shared 2-core box (BENCHMARKS.md, session 6 and 7): 8 in flight made batches of
      // about 6, 2 of 8–9 and 1 of 16 at 32 clients; 1 against 2 was ahead in 5 of 7
      // alternating rounds at 32 clients (+3% to +32%; two rounds 3% and 10% behind), in 3 of 4
      // at 8, and used less database CPU per repayment in 6 of 7 rounds at 32 (equal in one).
      // A batch stuck on a lock is what `stalled` below is for.
      maxInFlight,
      // A batch waiting on a customer's lock (the close's, a payment's) must not hold up every
      // other customer: after STALLED_AFTER_MS it stops counting, up to 8 batches in all (the
      // earlier fixed number, which leaves room in a pool of 20 for the other routes).
      ...(deps.dbKind === 'pglite' ? {} : { stalled: { afterMs: STALLED_AFTER_MS, maxInFlight: Math.max(maxInFlight, options.maxInFlightStalled ?? 8) } }),
      counters: batchStats,
      exclusiveKey: (r) => r.input.customerId,
    });
  }

  submit(request: RepaymentRequest): Promise<Executed<PostedRepayment>> {
    return this.batcher.submit(request);
  }
}

/**
 * One transaction for a list of requests; returns each request's outcome in order, in the
 * shape execute() gives a single use case. Five statements whatever the batch size: BEGIN,
 * claim keys + lock customers, read the books (plans, close marks, payments in flight, the
 * business date, sessions to check), write everything (with the stored responses and the
 * notices), COMMIT; more only when a key was held elsewhere or the close is behind. On a
 * PostgreSQL server they take two round trips: BEGIN, the claim and the read travel together
 * (pipelined-pool.ts, inOneTrip), and the write with COMMIT.
 */
export async function runBatch(
  deps: AppDeps, requests: readonly RepaymentRequest[], respond: (value: PostedRepayment) => StoredResponse,
): Promise<Executed<PostedRepayment>[]> {
  return runTx(deps.db, async (tx) => {
    const keys = distinctKeys(requests);
    // No business date: the books' read brings it (system_state, the business calendar's source), in the same round trip.
    const opening = { tx, deps, at: deps.clock.now() };
    const sessions = requests.flatMap((r) => (r.sessionTokenHash ? [r.sessionTokenHash] : []));
    const { posting, held } = await RepaymentPosting.open(opening, requests.map((r) => r.input.customerId), [...keys.values()], sessions);
    const out: Executed<PostedRepayment>[] = new Array(requests.length);
    // Requests behind an earlier one with the same newly claimed key, in arrival order.
    const behind = new Map<string, number[]>();
    const done = new Map<string, Idempotency & { response: StoredResponse }>();
    const post = (i: number) => {
      const request = requests[i]!;
      const result = posting.post({ input: request.input, actor: request.actor, refuseWhilePaymentInFlight: request.refuseWhilePaymentInFlight });
      out[i] = result.ok ? { ok: true, value: result.value, replayed: false } : { ok: false, error: result.error };
      const idem = request.idempotency;
      if (!idem) return;
      const waiting = behind.get(keyOf(idem))!;
      if (result.ok) {
        const stored = { ...idem, response: respond(result.value) };
        done.set(keyOf(idem), stored);
        for (const j of waiting.splice(0)) out[j] = replayOrRefuse(stored, requests[j]!.idempotency!);
      } else if (waiting.length > 0) {
        // As if this one had rolled back before the next with its key arrived: the next runs.
        post(waiting.shift()!);
      }
    };
    const leaders: number[] = [];
    requests.forEach((r, i) => {
      if (r.sessionTokenHash && !posting.sessionLive(r.input.customerId, r.sessionTokenHash)) {
        out[i] = { ok: false, error: domainError('unauthorized', 'missing or invalid bearer token') };
        return;
      }
      if (!r.idempotency) { leaders.push(i); return; }
      const k = keyOf(r.idempotency);
      const h = held.get(k);
      if (h) out[i] = replayOrRefuse(h, r.idempotency);
      else if (behind.has(k)) behind.get(k)!.push(i);
      else { behind.set(k, []); leaders.push(i); }
    });
    for (const i of leaders) post(i);
    const released = [...keys.entries()].filter(([k]) => !held.has(k) && !done.has(k)).map(([, idem]) => idem);
    // Nothing follows but COMMIT: the write travels with it.
    await posting.write(keys.size > 0 ? settleKeysWrites([...done.values()], released) : [], { lastBeforeCommit: true });
    return out;
  });
}

function distinctKeys(requests: readonly RepaymentRequest[]): Map<string, Idempotency> {
  const keys = new Map<string, Idempotency>();
  for (const r of requests) if (r.idempotency && !keys.has(keyOf(r.idempotency))) keys.set(keyOf(r.idempotency), r.idempotency);
  return keys;
}

function replayOrRefuse(held: HeldKey, idem: Idempotency): Executed<PostedRepayment> {
  if (held.fingerprint !== idem.fingerprint) {
    return { ok: false, error: domainError('idempotency_key_reused', 'this Idempotency-Key was already used with different parameters') };
  }
  return { ok: true, replayed: true, response: held.response };
}
