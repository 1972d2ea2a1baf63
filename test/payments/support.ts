import type { TestApp } from '../support/app.ts';
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
