import { startTestApp, type TestApp } from '../support/app.ts';
import type { TestDatabase } from '../support/db.ts';
import { seedTestStore, type TestStore } from '../support/store.ts';
import { DEFAULT_FAULTS } from '../../src/adapters/gateways/sandbox/faults.ts';
import { sandboxOf } from '../../src/app/payments/gateways.ts';
import type { SandboxGateway } from '../../src/adapters/gateways/sandbox/sandbox-gateway.ts';

export function sandbox(t: TestApp): SandboxGateway {
  const s = sandboxOf(t.deps);
  if (!s) throw new Error('no sandbox gateway');
  return s;
}

export async function postings(t: TestApp, customerId: string): Promise<number> {
  const rows = await t.deps.db.selectFrom('repayments').select('id').where('customer_id', '=', customerId).execute();
  return rows.length;
}

export async function paymentRow(t: TestApp, id: string) {
  return t.deps.db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** The cashier's token from the payment's pay URL. */
export function cashierPath(url: string): { outTradeNo: string; token: string } {
  const u = new URL(url);
  return { outTradeNo: u.pathname.split('/').pop()!, token: u.searchParams.get('t')! };
}

export async function verdicts(t: TestApp, paymentId: string): Promise<Record<string, number>> {
  const rows = await t.deps.db.selectFrom('payment_notifications').select('verdict').where('payment_id', '=', paymentId).execute();
  const out: Record<string, number> = {};
  for (const r of rows) out[r.verdict] = (out[r.verdict] ?? 0) + 1;
  return out;
}

/**
 * A test app whose sandbox gateway never calls back by itself (no timer, no lost-callback
 * retries): the test delivers each notification when it chooses, and drains on close.
 */
export async function startQuietSandboxApp(target: TestDatabase): Promise<{ t: TestApp; store: TestStore }> {
  const t = await startTestApp(target);
  const store = await seedTestStore(t);
  sandbox(t).faults = { ...DEFAULT_FAULTS, notifyDelayMs: 0, lostCallback: true };
  return { t, store };
}

