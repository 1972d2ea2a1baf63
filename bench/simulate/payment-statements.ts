/**
 * Statements per cashier payment on embedded PGlite, alone and in a list: N customers, each
 * with a fee-12 plan; (1) createPayment() for each, one transaction each (execute(): BEGIN and
 * COMMIT counted), for the first half; (2) startPayments() for the other half as one list
 * (record, open the sandbox cashiers, mark pending), and the sandbox cashier's pay() and the
 * notification read for each, as the simulator's round does. Counts every statement sent to
 * PGlite through bench/support/statement-hook.ts.
 *
 *   node --import tsx bench/simulate/payment-statements.ts [N]
 */
import { countStatements } from '../support/statement-hook.ts';
import { startTestApp } from '../../test/support/app.ts';
import { checkout, seedTestStore } from '../../test/support/store.ts';
import { openDatabase } from '../../src/adapters/db/connect.ts';
import { execute } from '../../src/app/execute.ts';
import { createPayment } from '../../src/app/payments/create-payment.ts';
import { startPayments } from '../../src/app/payments/start-payments.ts';
import { DEFAULT_FAULTS } from '../../src/adapters/gateways/sandbox/faults.ts';
import { sandbox } from '../../test/payments/support.ts';

const n = Math.max(2, Number(process.argv[2] ?? 100));

const statementsSoFar = countStatements();

const t = await startTestApp({ name: 'pglite', open: () => openDatabase({ dataDir: 'memory://' }) });
const store = await seedTestStore(t);
sandbox(t).faults = { ...DEFAULT_FAULTS, notifyDelayMs: 0, lostCallback: true };
const plans: { id: string; customerId: string }[] = [];
for (let i = 0; i < n; i++) plans.push(await checkout(t, store, `1370014${String(i).padStart(4, '0')}`, 'fee-12', '6000.00', `P-${i}`));
const input = (p: { id: string; customerId: string }) => ({ customerId: p.customerId, target: { kind: 'installment' as const, planId: p.id, installmentNumber: 1 }, amount: 536_00, gateway: 'sandbox' as const });
const half = Math.floor(n / 2);

let before = statementsSoFar();
let created = 0;
for (const p of plans.slice(0, half)) {
  const r = await execute(t.deps, { kind: 'customer', id: p.customerId }, (ctx) => createPayment(ctx, { ...input(p), ttlMs: 3_600_000 }));
  if (r.ok) created++;
}
const single = statementsSoFar() - before;

before = statementsSoFar();
const started = await startPayments(t.deps, plans.slice(half).map((p) => ({ actor: { kind: 'customer', id: p.customerId }, input: input(p) })));
const listed = statementsSoFar() - before;
before = statementsSoFar();
const gateway = sandbox(t);
const paid: string[] = [];
for (const s of started) if (s.ok && (await gateway.pay(s.value.out_trade_no)) === 'paid') paid.push(s.value.out_trade_no);
// Whichever the code offers: one read for the round, or one per trade.
const g = gateway as unknown as { notificationsFor?: (nos: string[]) => Promise<unknown[]>; notificationFor: (no: string) => Promise<unknown> };
if (g.notificationsFor) await g.notificationsFor(paid);
else for (const no of paid) await g.notificationFor(no);
const cashier = statementsSoFar() - before;

const per = (s: number, k: number) => +(s / Math.max(1, k)).toFixed(2);
process.stdout.write(`${JSON.stringify({
  customers: n,
  createPayment: { payments: created, statements: single, perPayment: per(single, created) },
  startPayments: { payments: started.filter((s) => s.ok).length, statements: listed, perPayment: per(listed, started.length) },
  sandboxPayAndNotification: { paid: paid.length, statements: cashier, perPayment: per(cashier, paid.length) },
})}\n`);
await gateway.drain();
await t.close();
