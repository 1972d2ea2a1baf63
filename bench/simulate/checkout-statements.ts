import { countStatements } from '../support/statement-hook.ts';
import { loadConfig } from '../../src/config.ts';
import { wireWith } from '../../src/wiring.ts';
import { ManualClock } from '../../src/app/ports.ts';
import { execute } from '../../src/app/execute.ts';
import { createPlan, type CreatePlanInput } from '../../src/app/checkout/create-plan.ts';
import { setUpSimStore } from '../../src/app/simulate/sim-store.ts';
import { setBusinessDate } from '../../src/adapters/db/business-calendar.ts';
import { openDatabase } from '../../src/adapters/db/connect.ts';

/**
 * Statements per checkout on PGlite (every round trip, BEGIN and COMMIT included):
 *
 *   npx tsx bench/simulate/checkout-statements.ts
 *
 * createPlan through execute() for a new customer and for a known one, and (where the tree
 * has it) createPlans for lists of 10 and 40 orders, half from new customers. Runs on any
 * tree with the simulator's store (so a snapshot of an earlier commit can be measured too).
 */
const count = countStatements();

const handle = await openDatabase({ dataDir: 'memory://' });
const clock = new ManualClock(new Date('2026-01-05T02:00:00Z'));
const { deps } = await wireWith(handle, { ...loadConfig({}, { seedDemo: false }), signingSecret: 'bench', dataDir: 'memory://' }, { clock, log: () => {} });
await setBusinessDate(deps.db, '2026-01-05', clock.now());
const store = await setUpSimStore(deps);
const merchant = { kind: 'merchant' as const, id: store.merchantId };
const product = Object.values(store.products)[0]!;
let order = 0;
const input = (phone: number): CreatePlanInput => ({ merchantId: store.merchantId, merchantOrderId: `B-${order++}`, phone: `139${String(phone).padStart(8, '0')}`, productId: product, amount: 100_000, downPayment: 0 });

async function measure(what: string, work: () => Promise<unknown>, plans: number): Promise<void> {
  const before = count();
  await work();
  const n = count() - before;
  console.log(`| ${what} | ${n} | ${(n / plans).toFixed(1)} |`);
}

console.log('| checkout | statements | per plan |');
console.log('| --- | ---: | ---: |');
await measure('createPlan, new customer', () => execute(deps, merchant, (ctx) => createPlan(ctx, input(1))), 1);
await measure('createPlan, known customer', () => execute(deps, merchant, (ctx) => createPlan(ctx, input(1))), 1);
const batch = await import('../../src/app/checkout/create-plans.ts').catch(() => null);
if (batch) {
  for (const size of [10, 40]) {
    const items = Array.from({ length: size }, (_, i) => ({ actor: merchant, input: input(i % 2 === 0 ? 1000 * size + i : 1 + i) }));
    await measure(`createPlans, ${size} orders (half new customers)`, () => batch.createPlans(deps, items), size);
  }
}
await handle.close();
