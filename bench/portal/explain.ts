/**
 * EXPLAIN (ANALYZE, BUFFERS) of the statements one portal page sends, on a seeded PostgreSQL
 * database (one customer, two plans, as bench/portal/profile.ts):
 *   npx tsx bench/portal/explain.ts [/portal]
 * Shows how much of a page is PostgreSQL's own execution time.
 */
import { DEFAULT_DATABASE_URL } from '../db-baseline/baseline.ts';
import { oneCustomerApp } from './one-customer.ts';
import { countStatements, recordStatements } from './statements.ts';
import pg from 'pg';

// Before the app opens its pool: the pool wraps each client's query once, when it connects.
countStatements();
const path = process.argv[2] ?? '/portal';
const { t, cookie } = await oneCustomerApp();
try {
  const get = () => t.app.inject({ method: 'GET', url: path, headers: { cookie } });
  for (let i = 0; i < 20; i++) await get();
  const statements = await recordStatements(async () => { await get(); });
  const db = (await t.deps.db.selectNoFrom((eb) => eb.fn<string>('current_database', []).as('d')).executeTakeFirstOrThrow()).d;
  const url = new URL(process.env.FENQI_BENCH_DATABASE_URL ?? DEFAULT_DATABASE_URL);
  url.pathname = `/${db}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  for (const s of statements) {
    if (!/^\s*select/i.test(s.text)) { process.stdout.write(`-- ${s.text.slice(0, 80)}\n`); continue; }
    // As the app's pool sends it: a prepared statement, executed enough times for PostgreSQL
    // to settle on a custom or a generic plan (it decides after five executions).
    const name = `x${Math.random().toString(36).slice(2, 10)}`;
    await client.query(`prepare ${name} as ${s.text}`);
    const args = s.values.map((v) => client.escapeLiteral(v instanceof Date ? v.toISOString() : String(v))).join(', ');
    for (let i = 0; i < 10; i++) await client.query(`execute ${name}(${args})`);
    const plan = await client.query(`explain (analyze, buffers) execute ${name}(${args})`);
    const lines = plan.rows.map((r) => r['QUERY PLAN'] as string);
    process.stdout.write(`-- ${s.text.replace(/\s+/g, ' ').slice(0, 100)}\n${process.env.FULL ? lines.join('\n') : lines.slice(-2).join('\n')}\n`);
  }
  await client.end();
} finally { await t.close(); }
