/**
 * CPU profile of one portal page served in-process (inject, no sockets) on PostgreSQL:
 *   npx tsx bench/portal/profile.ts [/portal/bills] [300] [/tmp/portal.cpuprofile]
 * Seeds one customer with two plans, warms up, then profiles only the page loop (inspector),
 * and prints wall ms/page (one at a time), CPU ms/page of this process, and statements/page.
 * Summarise the .cpuprofile by self time per function or per package.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { openFreshPostgres } from '../../test/support/db.ts';
import { startTestApp } from '../../test/support/app.ts';
import { seedTestStore, sessionFor } from '../../test/support/store.ts';
import { buy } from '../../test/web/support.ts';
import { DEFAULT_DATABASE_URL } from '../db-baseline/baseline.ts';
import { countStatements } from './statements.ts';

const path = process.argv[2] ?? '/portal/bills';
const n = Number(process.argv[3] ?? 300);
const out = process.argv[4] ?? '/tmp/portal.cpuprofile';
const statements = countStatements();
const t = await startTestApp({ name: 'postgres', open: () => openFreshPostgres(process.env.FENQI_BENCH_DATABASE_URL ?? DEFAULT_DATABASE_URL) }, {}, '2026-01-05');
try {
  const store = await seedTestStore(t);
  const a = await buy(t, store, '13900000001', 'fee-12', '6000.00', 'PR-a', 'Xiaomi 15 Pro');
  await buy(t, store, '13900000001', 'free-3', '3000.00', 'PR-b', 'Redmi Buds 6 Pro');
  await t.setBusinessDate('2026-02-08');
  const cookie = `fq_session=${await sessionFor(t, a.customerId)}`;
  const get = async () => {
    const r = await t.app.inject({ method: 'GET', url: path, headers: { cookie } });
    if (r.statusCode !== 200) throw new Error(`${r.statusCode}`);
  };
  for (let i = 0; i < 100; i++) await get(); // warm-up: JIT, schema compilers, caches
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  const stmts = statements();
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < n; i++) await get();
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const perPage = (statements() - stmts) / n;
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(out, JSON.stringify(profile));
  process.stdout.write(`${path}: ${n} pages, one at a time: ${(wall / n).toFixed(2)} ms/page wall, ${((used.user + used.system) / 1000 / n).toFixed(3)} ms CPU/page, ${perPage.toFixed(1)} statements/page; profile ${out}\n`);
} finally { await t.close(); }
