/**
 * EXPLAIN (ANALYZE, BUFFERS) of one income page of the close, on a kept bench database:
 *
 *   npx tsx bench/eod/explain-page.ts --url postgres://…/fenqi_bench_eod [--from 0 --to 63] [--limit 5000]
 *
 * The page's statement is captured as the close compiles it (earnIncomePage), then explained
 * in a transaction that is rolled back, so the database is left as it was.
 */
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { earnIncomePage } from '../../src/app/close/earn-income-step.ts';
import type { Database } from '../../src/adapters/db/schema.ts';

const { values } = parseArgs({ options: {
  url: { type: 'string' }, from: { type: 'string', default: '0' }, to: { type: 'string', default: '63' },
  limit: { type: 'string', default: '5000' }, date: { type: 'string', default: '2026-03-10' },
} });
const pool = new pg.Pool({ connectionString: values.url, max: 1 });
let captured: CompiledQuery | undefined;
class Captured extends Error {}
const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: (e) => { if (e.level === 'query' && /close_accruals/.test(e.query.sql)) captured ??= e.query; } });
// Run the page once to capture it, rolled back; then explain the same text with its parameters.
await db.transaction().execute(async (tx) => {
  await earnIncomePage(tx as any, { date: values.date as any, from: Number(values.from), to: Number(values.to), after: null, limit: Number(values.limit), at: new Date() });
  throw new Captured();
}).catch((e) => { if (!(e instanceof Captured)) throw e; });
const c = await pool.connect();
try {
  await c.query('begin');
  const t = Date.now();
  const r = await c.query(`explain (analyze, buffers) ${captured!.sql}`, captured!.parameters as unknown[]);
  process.stdout.write(r.rows.map((x) => x['QUERY PLAN']).join('\n') + `\n(${Date.now() - t} ms)\n`);
  await c.query('rollback');
} finally { c.release(); await db.destroy(); }
