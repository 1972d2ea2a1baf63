import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import type { TestApp } from '../support/app.ts';
import { checkout, type TestStore } from '../support/store.ts';
import { startPayment } from '../../src/app/payments/start-payment.ts';
import { startPayments, type PaymentStart } from '../../src/app/payments/start-payments.ts';
import type { RepaymentTarget } from '../../src/app/servicing/repayment-targets.ts';
import { sandbox, startQuietSandboxApp } from './support.ts';

/**
 * startPayments (one transaction for a list) against startPayment (one at a time): two groups
 * of customers with identical plans start identical payments; every payment row, gateway
 * trade, audit record and refusal must come out the same, ids and timestamps aside.
 */
for (const target of testDatabases()) {
  describe(`payments started as a batch on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    let n = 0;
    before(async () => { ({ t, store } = await startQuietSandboxApp(target)); });
    after(async () => { await sandbox(t).drain(); await t.close(); });

    const buy = async (product: string, amount: string, phone: string) =>
      (await checkout(t, store, phone, product, amount, `S-${++n}`)) as { id: string; customerId: string };

    async function group(digit: number): Promise<{ customers: string[]; starts: PaymentStart[] }> {
      const phone = (i: number) => `1380000${digit}${String(i).padStart(3, '0')}`;
      const c1 = await buy('fee-12', '6000.00', phone(1));
      const c2 = await buy('free-3', '3000.00', phone(2));
      const c3 = await buy('ei-12', '2400.00', phone(3));
      const c4 = await buy('fee-12', '6000.00', phone(4));
      const start = (customerId: string, target: RepaymentTarget, amount: number): PaymentStart =>
        ({ actor: { kind: 'customer', id: customerId }, input: { customerId, target, amount, gateway: 'sandbox' } });
      return {
        customers: [c1.customerId, c2.customerId, c3.customerId, c4.customerId],
        starts: [
          start(c1.customerId, { kind: 'installment', planId: c1.id, installmentNumber: 1 }, 536_00),
          start(c2.customerId, { kind: 'payoff', planId: c2.id }, 3000_00),
          start(c3.customerId, { kind: 'bill' }, 100_00),
          // The same plan again while the first is in flight: refused (payment_in_flight), as one by one.
          start(c1.customerId, { kind: 'amount', planId: c1.id }, 100_00),
          // No such installment: refused, and nothing written for it.
          start(c4.customerId, { kind: 'installment', planId: c4.id, installmentNumber: 99 }, 536_00),
          start(c4.customerId, { kind: 'amount' }, 50_00),
        ],
      };
    }

    async function snapshot(customerId: string) {
      const db = t.deps.db;
      const plans = await db.selectFrom('plans').select('id').where('customer_id', '=', customerId).orderBy('created_at').execute();
      const idx = new Map(plans.map((p, i) => [p.id, i]));
      const payments = await db.selectFrom('payments').selectAll().where('customer_id', '=', customerId).orderBy('amount_fen').execute();
      const trades = payments.length === 0 ? [] : await db.selectFrom('sandbox_trades').select(['amount_fen', 'subject', 'status', 'expires_at'])
        .where('out_trade_no', 'in', payments.map((p) => p.out_trade_no)).orderBy('amount_fen').execute();
      const audit = payments.length === 0 ? [] : await db.selectFrom('audit_log').select(['actor', 'action', 'details'])
        .where('target', 'in', payments.map((p) => `payment:${p.id}`)).execute();
      return {
        payments: payments.map((p) => {
          const target = { ...(p.target as Record<string, unknown>) };
          if (typeof target.planId === 'string') target.planId = idx.get(target.planId);
          return {
            kind: p.kind, target, plans: (p.plan_ids as string[]).map((id) => idx.get(id)), amount: p.amount_fen, status: p.status, gateway: p.gateway,
            payloadKind: (p.payload as { kind?: string } | null)?.kind, payloadUrl: typeof (p.payload as { url?: string } | null)?.url,
            expires: p.expires_at.getTime() - p.created_at.getTime(), businessDate: p.business_date, failure: p.failure_reason,
          };
        }),
        trades: trades.map((x) => ({ ...x, expires_at: x.expires_at.getTime() })),
        audit: audit.map((a) => ({ ...a, actor: a.actor.replace(customerId, 'C') })).map((a) => JSON.stringify(a)).sort(),
      };
    }

    it('records, opens and refuses exactly what one-by-one startPayment does', async () => {
      const a = await group(1);
      const b = await group(2);
      const single = [];
      for (const s of a.starts) {
        const r = await startPayment(t.deps, s.actor, s.input);
        single.push(r.ok ? { ok: true, status: r.value.payment.status } : { ok: false, code: r.error.code });
      }
      const batched = (await startPayments(t.deps, b.starts)).map((r) => (r.ok ? { ok: true, status: r.value.status } : { ok: false, code: r.error.code }));
      assert.deepEqual(batched, single);
      assert.deepEqual(single.map((r) => r.ok), [true, true, true, false, false, true]);
      assert.deepEqual(single[3], { ok: false, code: 'payment_in_flight' });
      for (let i = 0; i < a.customers.length; i++) {
        const [x, y] = [await snapshot(a.customers[i]!), await snapshot(b.customers[i]!)];
        assert.ok(x.payments.length > 0);
        assert.deepEqual(y, x, `customer ${i + 1}`);
      }
    });

    it('fails the payments a gateway cannot open, and only those', async () => {
      const b = await group(3);
      sandbox(t).faults = { ...sandbox(t).faults, timeout: true };
      try {
        const r = await startPayments(t.deps, b.starts.slice(0, 2));
        assert.deepEqual(r.map((x) => (x.ok ? 'ok' : x.error.code)), ['gateway_unavailable', 'gateway_unavailable']);
      } finally {
        sandbox(t).faults = { ...sandbox(t).faults, timeout: false };
      }
      const statuses = (await t.deps.db.selectFrom('payments').select('status').where('customer_id', 'in', b.customers.slice(0, 2)).execute()).map((p) => p.status);
      assert.deepEqual(statuses, ['failed', 'failed']);
      const again = await startPayments(t.deps, b.starts.slice(0, 2));
      assert.ok(again.every((x) => x.ok && x.value.status === 'pending'), 'a failed payment is not in flight: the customer can start again');
    });
  });
}
