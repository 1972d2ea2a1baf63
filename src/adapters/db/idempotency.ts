import { createHash } from 'node:crypto';
import type { Tx } from './tx.ts';

export interface StoredResponse { status: number; body: unknown }

export type Claim =
  | { kind: 'claimed' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch' };

/** A stable fingerprint of a request's meaningful parts (method, path, body). */
export function fingerprint(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/**
 * Claims an idempotency key inside the caller's transaction (Brandur's Postgres pattern,
 * simplified): the key row is inserted in the same transaction as the work it guards, so
 * either both commit or neither. A concurrent request with the same key blocks on the
 * unique index until the first commits, then sees its stored response and replays it; if
 * the first rolled back, the second claims the key and does the work itself.
 */
export async function claimKey(tx: Tx, scope: string, key: string, print: string, at: Date): Promise<Claim> {
  const inserted = await tx.insertInto('idempotency_keys')
    .values({ scope, key, fingerprint: print, state: 'in_flight', created_at: at })
    .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
    .returning('key').executeTakeFirst();
  if (inserted) return { kind: 'claimed' };
  const row = await tx.selectFrom('idempotency_keys').select(['fingerprint', 'response_status', 'response_body'])
    .where('scope', '=', scope).where('key', '=', key).executeTakeFirstOrThrow();
  if (row.fingerprint !== print) return { kind: 'mismatch' };
  return { kind: 'replay', response: { status: row.response_status ?? 200, body: row.response_body } };
}

export async function storeResponse(tx: Tx, scope: string, key: string, response: StoredResponse): Promise<void> {
  await tx.updateTable('idempotency_keys')
    .set({ state: 'done', response_status: response.status, response_body: JSON.stringify(response.body) })
    .where('scope', '=', scope).where('key', '=', key).execute();
}
