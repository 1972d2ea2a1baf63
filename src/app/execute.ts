import { runTx } from '../adapters/db/tx.ts';
import { claimKey, storeResponse, type StoredResponse } from '../adapters/db/idempotency.ts';
import { domainError, type DomainError } from '../core/errors.ts';
import type { Result } from '../core/result.ts';
import type { Actor, TxContext } from './context.ts';
import type { AppDeps } from './deps.ts';

export interface Idempotency {
  /** Scope is the caller (merchant id, customer id, staff key): keys never collide across callers. */
  scope: string;
  key: string;
  fingerprint: string;
}

export type Executed<T> =
  | { ok: true; value: T; replayed: false }
  | { ok: true; replayed: true; response: StoredResponse }
  | { ok: false; error: DomainError };

class Rollback extends Error {
  constructor(readonly error: DomainError) { super(error.code); }
}

/**
 * Runs one use case in one transaction (GUIDE rule 4): claims the idempotency key, runs the
 * work, stores the response under the key, and commits — or, when the use case returns an
 * expected failure, rolls everything back so invalid input changes nothing. `respond` turns
 * the value into the response body that a retry with the same key will get back verbatim.
 */
export async function execute<T>(
  deps: AppDeps,
  actor: Actor,
  work: (ctx: TxContext) => Promise<Result<T, DomainError>>,
  options: { idempotency?: Idempotency; respond?: (value: T) => StoredResponse } = {},
): Promise<Executed<T>> {
  const businessDate = await deps.calendar.today();
  try {
    return await runTx(deps.db, async (tx) => {
      const ctx: TxContext = { tx, deps, actor, at: deps.clock.now(), businessDate };
      const idem = options.idempotency;
      if (idem) {
        const claim = await claimKey(tx, idem.scope, idem.key, idem.fingerprint, ctx.at);
        if (claim.kind === 'mismatch') throw new Rollback(domainError('idempotency_key_reused', 'this Idempotency-Key was already used with different parameters'));
        if (claim.kind === 'replay') return { ok: true as const, replayed: true as const, response: claim.response };
      }
      const result = await work(ctx);
      if (!result.ok) throw new Rollback(result.error);
      if (idem) await storeResponse(tx, idem.scope, idem.key, options.respond ? options.respond(result.value) : { status: 200, body: result.value });
      return { ok: true as const, value: result.value, replayed: false as const };
    });
  } catch (e) {
    if (e instanceof Rollback) return { ok: false, error: e.error };
    throw e;
  }
}
