/**
 * CPU profile of one portal page served in-process (inject, no sockets) on PostgreSQL:
 *   npx tsx bench/portal/profile.ts [/portal/bills] [300] [/tmp/portal.cpuprofile]
 * Seeds one customer with two plans, warms up, then profiles only the page loop (inspector),
 * and prints wall ms/page (one at a time), CPU ms/page of this process, and statements/page.
 * Summarise the .cpuprofile by self time per function or per package.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { oneCustomerApp } from './one-customer.ts';
import { countStatements } from './statements.ts';

const path = process.argv[2] ?? '/portal/bills';
const n = Number(process.argv[3] ?? 300);
const out = process.argv[4] ?? '/tmp/portal.cpuprofile';
const statements = countStatements();
const { t, cookie } = await oneCustomerApp();
try {
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
