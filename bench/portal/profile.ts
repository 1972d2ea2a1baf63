/**
 * CPU profile of one portal page served in-process (inject, no sockets) on PostgreSQL:
 *   node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof bench/portal/profile.ts [/portal/bills] [200]
 * then summarise the .cpuprofile (self time by function). Used to find where a page spends
 * CPU when its p99 is above the goal.
 */
import { openFreshPostgres } from '../../test/support/db.ts';
import { startTestApp } from '../../test/support/app.ts';
import { seedTestStore, sessionFor } from '../../test/support/store.ts';
import { buy } from '../../test/web/support.ts';
import { DEFAULT_DATABASE_URL } from '../db-baseline/baseline.ts';

const path = process.argv[2] ?? '/portal/bills';
const n = Number(process.argv[3] ?? 200);
const t = await startTestApp({ name: 'postgres', open: () => openFreshPostgres(process.env.FENQI_BENCH_DATABASE_URL ?? DEFAULT_DATABASE_URL) }, {}, '2026-01-05');
try {
  const store = await seedTestStore(t);
  const a = await buy(t, store, '13900000001', 'fee-12', '6000.00', 'PR-a', 'Xiaomi 15 Pro');
  await buy(t, store, '13900000001', 'free-3', '3000.00', 'PR-b', 'Redmi Buds 6 Pro');
  await t.setBusinessDate('2026-02-08');
  const cookie = `fq_session=${await sessionFor(t, a.customerId)}`;
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const r = await t.app.inject({ method: 'GET', url: path, headers: { cookie } });
    if (r.statusCode !== 200) throw new Error(`${r.statusCode}`);
  }
  process.stdout.write(`${path}: ${n} pages in ${(performance.now() - started).toFixed(0)} ms (${((performance.now() - started) / n).toFixed(2)} ms/page, one at a time)\n`);
} finally { await t.close(); }
