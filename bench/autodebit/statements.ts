/**
 * Statements per auto-debit on embedded PGlite: N customers, each with a fee-12 plan and an
 * auto-debit agreement for it, all due the same day; one round at the due date's 08:00 step
 * debits them all (the sandbox answers "paid"). Counts every statement the round sends to
 * PGlite — BEGIN and COMMIT included, the sandbox's own reads and writes too — by wrapping
 * PGlite#query and PGlite#exec, the two doors the dialect (pglite-dialect.ts) goes through.
 *
 *   node --import tsx bench/autodebit/statements.ts [N] [mode]
 *
 * mode: `batch` (the default round), `single` (every agreement one by one: { batch: false }).
 * Older code ignores the options argument and runs its own round.
 */
import { countStatements } from '../support/statement-hook.ts';
import { startTestApp } from '../../test/support/app.ts';
import { checkout, seedTestStore, sessionFor } from '../../test/support/store.ts';
import { openDatabase } from '../../src/adapters/db/connect.ts';
import { runAutoDebitsOnce } from '../../src/app/payments/autodebit/run-autodebits.ts';
import { DEFAULT_FAULTS } from '../../src/adapters/gateways/sandbox/faults.ts';
import { sandbox } from '../../test/payments/support.ts';

const n = Number(process.argv[2] ?? 100);
const mode = process.argv[3] ?? 'batch';

const statementsSoFar = countStatements();

const t = await startTestApp({ name: 'pglite', open: () => openDatabase({ dataDir: 'memory://' }) });
const store = await seedTestStore(t);
sandbox(t).faults = { ...DEFAULT_FAULTS, notifyDelayMs: 0, lostCallback: true };
let due = '';
for (let i = 0; i < n; i++) {
  const plan = await checkout(t, store, `1370013${String(i).padStart(4, '0')}`, 'fee-12', '6000.00', `S-${i}`);
  const r = await t.api('POST', '/v1/me/autodebit', { token: await sessionFor(t, plan.customerId), body: { planId: plan.id, gateway: 'sandbox' } });
  if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  due = plan.installments[0].dueDate;
}
await t.setBusinessDate(due);
t.clock.set(new Date(`${due}T08:00:00+08:00`));
const before = statementsSoFar();
const started = performance.now();
const report = await (runAutoDebitsOnce as (...a: unknown[]) => Promise<Record<string, number>>)(t.deps, undefined, { batch: mode !== 'single' });
const ms = performance.now() - started;
const used = statementsSoFar() - before;
process.stdout.write(`${JSON.stringify({ customers: n, mode, succeeded: report.succeeded, statements: used, perDebit: +(used / Math.max(1, report.succeeded!)).toFixed(2), ms: Math.round(ms) })}\n`);
await sandbox(t).drain();
await t.close();
