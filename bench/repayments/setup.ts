import { sql } from 'kysely';
import { execute } from '../../src/app/execute.ts';
import { systemActor, type TxContext } from '../../src/app/context.ts';
import type { AppDeps } from '../../src/app/deps.ts';
import { createMerchant } from '../../src/app/admin/create-merchant.ts';
import { defineProduct, offerProduct } from '../../src/app/admin/define-product.ts';
import { createPlan } from '../../src/app/checkout/create-plan.ts';
import { startSession } from '../../src/app/customers/sessions.ts';
import { ok, type Result } from '../../src/core/result.ts';
import type { DomainError } from '../../src/core/errors.ts';

async function run<T>(deps: AppDeps, work: (ctx: TxContext) => Promise<Result<T, DomainError>>): Promise<T> {
  const r = await execute(deps, systemActor, work);
  if (!r.ok || r.replayed) throw new Error(`setup failed: ${JSON.stringify(r)}`);
  return r.value;
}

export interface BenchTarget { token: string; planId: string; customerId: string }

/**
 * A store with `customers` customers, each with one 12-period interest-free plan large enough
 * that a benchmark's 0.01-yuan repayments never pay it off, and a session token each.
 */
export async function setupStore(deps: AppDeps, customers: number): Promise<BenchTarget[]> {
  const merchant = await run(deps, (ctx) => createMerchant(ctx, { name: 'bench store' }));
  const product = await run(deps, (ctx) => defineProduct(ctx, { code: 'bench-free-12', name: 'bench', method: 'interest-free', terms: 12 }));
  await run(deps, (ctx) => offerProduct(ctx, merchant.merchantId, product.productId));
  const targets: BenchTarget[] = [];
  for (let i = 0; i < customers; i++) {
    const phone = `135${String(i).padStart(8, '0')}`;
    const plan = await run(deps, (ctx) => createPlan(ctx, {
      merchantId: merchant.merchantId, merchantOrderId: `B-${i}`, phone, productId: product.productId, amount: 12_000_000, downPayment: 0,
    }));
    const session = await run(deps, async (ctx) => ok(await startSession(ctx, plan.customerId)));
    targets.push({ token: session.token, planId: plan.planId, customerId: plan.customerId });
  }
  // Fresh tables have no statistics yet; measure with the plans a running system would have (pgbench -i analyzes too).
  await sql`analyze`.execute(deps.db);
  return targets;
}
