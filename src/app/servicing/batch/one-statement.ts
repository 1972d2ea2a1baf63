import { sql, type RawBuilder } from 'kysely';

/**
 * Runs several data-modifying statements as ONE statement (PostgreSQL data-modifying CTEs):
 * one round trip, one prepared plan, all or nothing. They run against the same snapshot and
 * must not touch the same row twice, which holds for the batch writes here: each table is
 * written by one of them (idempotency keys by an UPDATE and a DELETE of disjoint keys).
 * Foreign keys between them are checked when the statement ends.
 */
export function oneStatement(writes: readonly RawBuilder<unknown>[]): RawBuilder<unknown> {
  const last = writes.at(-1);
  if (!last) throw new Error('oneStatement needs at least one write');
  const ctes = writes.slice(0, -1).map((w, i) => sql`${sql.raw(`w${i}`)} as (${w})`);
  return ctes.length === 0 ? last : sql`with ${sql.join(ctes)} ${last}`;
}
