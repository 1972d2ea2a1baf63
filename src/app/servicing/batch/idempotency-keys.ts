import { sql, type RawBuilder } from 'kysely';
import type { StoredResponse } from '../../../adapters/db/idempotency.ts';
import type { Tx } from '../../../adapters/db/tx.ts';
import type { Idempotency } from '../../execute.ts';
import { stableList } from '../../../adapters/db/list-params.ts';

/** What the database already held for a key this batch could not claim. */
export interface HeldKey { fingerprint: string; response: StoredResponse }

export const keyOf = (i: { scope: string; key: string }): string => `${i.scope}\u0000${i.key}`;

/**
 * The INSERT that claims many idempotency keys (the set-based form of claimKey in
 * adapters/db/idempotency.ts: same table, same rules), returning the keys it claimed. Each key
 * row is inserted in the batch's own transaction, so a key commits with its work or not at
 * all. Keys are inserted in sorted order, so two batches sharing keys wait for each other in
 * one order and never deadlock on the unique index. A key another transaction holds makes the
 * insert wait until that one ends. `claims` must not repeat a key.
 */
export function claimKeysWrite(claims: readonly Idempotency[], at: Date): RawBuilder<{ scope: string; key: string }> {
  const sorted = [...claims].sort((a, b) => (a.scope < b.scope ? -1 : a.scope > b.scope ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const rows = JSON.stringify(sorted.map((c) => [c.scope, c.key, c.fingerprint]));
  return sql`
    insert into idempotency_keys (scope, key, fingerprint, state, created_at)
    select r->>0, r->>1, r->>2, 'in_flight', ${at}::timestamptz from jsonb_array_elements(${rows}::jsonb) with ordinality as x(r, n) order by n
    on conflict (scope, key) do nothing
    returning scope, key`;
}

/**
 * What is stored under keys this batch could not claim: read in a statement of its own, which
 * (READ COMMITTED) sees what the transaction that held the key committed.
 */
export async function readHeldKeys(tx: Tx, keys: readonly Idempotency[]): Promise<Map<string, HeldKey>> {
  const held = new Map<string, HeldKey>();
  if (keys.length === 0) return held;
  const wanted = JSON.stringify(keys.map((c) => [c.scope, c.key]));
  const { rows: found } = await sql<{ scope: string; key: string; fingerprint: string; response_status: number | null; response_body: unknown }>`
    select k.scope, k.key, k.fingerprint, k.response_status, k.response_body from idempotency_keys as k
    join jsonb_array_elements(${wanted}::jsonb) as r on k.scope = r->>0 and k.key = r->>1 where ${byKey(keys)}`.execute(tx);
  for (const row of found) held.set(keyOf(row), { fingerprint: row.fingerprint, response: { status: row.response_status ?? 200, body: row.response_body } });
  return held;
}

/**
 * Ends a batch's claims (two fragments for the batch's write statement): keys whose work
 * succeeded store the response a retry will get, with the fingerprint of the request that
 * produced it; keys whose every request failed are deleted, exactly as if their own
 * transaction had rolled back.
 */
export function settleKeysWrites(done: readonly (Idempotency & { response: StoredResponse })[], released: readonly Idempotency[]): RawBuilder<unknown>[] {
  const stored = JSON.stringify(done.map((d) => [d.scope, d.key, d.fingerprint, d.response.status, d.response.body]));
  const freed = JSON.stringify(released.map((r) => [r.scope, r.key]));
  return [
    sql`update idempotency_keys as k set state = 'done', fingerprint = d->>2, response_status = (d->>3)::int, response_body = d->4
      from jsonb_array_elements(${stored}::jsonb) as d where k.scope = d->>0 and k.key = d->>1 and ${byKey(done)}`,
    sql`delete from idempotency_keys as k using jsonb_array_elements(${freed}::jsonb) as r where k.scope = r->>0 and k.key = r->>1 and ${byKey(released)}`,
  ];
}

/**
 * A redundant condition on the primary key's columns that the planner can use as an index
 * condition: the key table grows with every request, so these statements must probe it per
 * key, never join against a scan of it.
 */
const byKey = (keys: readonly { scope: string; key: string }[]) =>
  sql`k.scope = any(${stableList([...new Set(keys.map((k) => k.scope))], 'text')}) and k.key = any(${stableList([...new Set(keys.map((k) => k.key))], 'text')})`;
