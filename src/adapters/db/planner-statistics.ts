import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * A table's statistics are stale when it was never analysed or has grown by more than half
 * since (its heap in pages against the pages ANALYZE last saw), with a few pages of slack so
 * small tables are not analysed for every row. Growth by half keeps the number of ANALYZEs
 * of a growing table logarithmic in its size.
 */
const STALE = sql<boolean>`(c.reltuples < 0 or pg_relation_size(c.oid) / current_setting('block_size')::int > 1.5 * greatest(c.relpages, 0) + 8)`;

/**
 * The embedded database (PGlite) runs no autovacuum daemon, so nothing ever ANALYZEs its
 * tables: the planner then guesses every selectivity from defaults and picks plans like
 * "all open installments due on a date, filtered by customer" for a per-customer probe
 * (measured: the close's bill step took 2.6 s for 96 bills of a 2,000-customer store, 0.4 s
 * once analysed). This does the analyze half of autovacuum's job for it: ANALYZE of the
 * public tables whose statistics are stale. PostgreSQL servers have autovacuum; callers run
 * this on PGlite only.
 */
export async function refreshPlannerStatistics(db: Kysely<Database>): Promise<string[]> {
  const stale = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r' and ${STALE}
    order by c.relname`.execute(db);
  const names = stale.rows.map((r) => r.name);
  if (names.length > 0) await sql`analyze ${sql.join(names.map((n) => sql.id(n)))}`.execute(db);
  return names;
}
