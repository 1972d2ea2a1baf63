import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import type { TestApp } from '../support/app.ts';
import { checkout, type TestStore } from '../support/store.ts';
import { runTx } from '../../src/adapters/db/tx.ts';
import { execute } from '../../src/app/execute.ts';
import { createPayment, type CreatePaymentInput } from '../../src/app/payments/create-payment.ts';
import { createPayments, type PaymentToCreate } from '../../src/app/payments/create-payments.ts';
import type { RepaymentTarget } from '../../src/app/servicing/repayment-targets.ts';
import { sandbox, startQuietSandboxApp } from './support.ts';

const NO_SUCH_CUSTOMER = '01900000-0000-7000-8000-000000000000';

/**
 * createPayments (a list, set-based) against createPayment (one call per payment, each in its
 * own transaction): two groups of customers with identical plans and an identical payment
 * already in flight get the same list; every result (refusals included), payment row,
 * payment_orders row and audit record must come out the same, ids and times aside.
 */
for (const target of testDatabases()) {
  describe(`createPayments on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    let n = 0;
    before(async () => { ({ t, store } = await startQuietSandboxApp(target)); });
    after(async () => { await sandbox(t).drain(); await t.close(); });

    const buy = async (product: string, amount: string, phone: string) =>
      (await checkout(t, store, phone, product, amount, `CP-${++n}`)) as { id: string; customerId: string };

    /** Customers with plans, one with a payment in flight already; the list to create for them. */
    async function group(digit: number): Promise<{ customers: string[]; items: PaymentToCreate[] }> {
      const phone = (i: number) => `1390000${digit}${String(i).padStart(3, '0')}`;
      const c1 = await buy('fee-12', '6000.00', phone(1));
      const c2 = await buy('free-3', '3000.00', phone(2));
      const c3 = await buy('ei-12', '2400.00', phone(3));
      const c4 = await buy('fee-12', '6000.00', phone(4));
      const c5a = await buy('fee-12', '6000.00', phone(5));
      const c5b = await buy('free-3', '3000.00', phone(5));
      assert.equal(c5b.customerId, c5a.customerId, 'the same phone buys as the same customer');
      const item = (customerId: string, target: RepaymentTarget, amount: number, gateway: CreatePaymentInput['gateway'] = 'sandbox'): PaymentToCreate =>
        ({ actor: { kind: 'customer', id: customerId, ip: '10.0.0.7' }, input: { customerId, target, amount, gateway, ttlMs: 3_600_000 } });
      // Already in flight before the list: c3's plan.
      const before = await execute(t.deps, { kind: 'customer', id: c3.customerId }, (ctx) => createPayment(ctx, item(c3.customerId, { kind: 'amount', planId: c3.id }, 10_00).input));
      assert.ok(before.ok);
      return {
        customers: [c1.customerId, c2.customerId, c3.customerId, c4.customerId, c5a.customerId],
        items: [
          item(c1.customerId, { kind: 'installment', planId: c1.id, installmentNumber: 1 }, 536_00),
          item(c2.customerId, { kind: 'payoff', planId: c2.id }, 3000_00),
          // In flight before the list began: refused.
          item(c3.customerId, { kind: 'bill' }, 100_00),
          // c1 twice: the same plan while the list's first payment for it is in flight: refused.
          item(c1.customerId, { kind: 'amount', planId: c1.id }, 100_00),
          // Not payable: no such installment; nothing written for it.
          item(c4.customerId, { kind: 'installment', planId: c4.id, installmentNumber: 99 }, 536_00),
          item(c4.customerId, { kind: 'payoff', planId: c1.id }, 100_00),
          item(c4.customerId, { kind: 'amount' }, 50_00, 'wechatpay'),
          item(NO_SUCH_CUSTOMER, { kind: 'amount' }, 50_00),
          item('not-a-uuid', { kind: 'amount' }, 50_00),
          // c5 twice on different plans: both created; then a bill (every plan) clashes with both.
          item(c5a.customerId, { kind: 'installment', planId: c5a.id, installmentNumber: 1 }, 536_00),
          item(c5a.customerId, { kind: 'payoff', planId: c5b.id }, 3000_00),
          item(c5a.customerId, { kind: 'bill' }, 100_00),
        ],
      };
    }

    /** A customer's payments, orders and audit records, with ids replaced by their place among the customer's payments and plans. */
    async function snapshot(customerId: string) {
      const db = t.deps.db;
      const plans = await db.selectFrom('plans').select('id').where('customer_id', '=', customerId).orderBy('created_at').execute();
      const planIdx = new Map(plans.map((p, i) => [p.id, `plan${i}`]));
      const payments = await db.selectFrom('payments').selectAll().where('customer_id', '=', customerId).orderBy('id').execute();
      const payIdx = new Map(payments.map((p, i) => [p.id, `payment${i}`]));
      const orders = await db.selectFrom('payment_orders').selectAll().where('customer_id', '=', customerId).execute();
      const audit = payments.length === 0 ? [] : await db.selectFrom('audit_log').selectAll().where('target', 'in', payments.map((p) => `payment:${p.id}`)).orderBy('id').execute();
      return {
        ids: { planIdx, payIdx },
        payments: payments.map((p) => {
          const target = { ...(p.target as Record<string, unknown>) };
          if (typeof target.planId === 'string') target.planId = planIdx.get(target.planId);
          assert.equal(p.out_trade_no.length > 0, true);
          return {
            ...p, id: payIdx.get(p.id), customer_id: 'C', out_trade_no: undefined, target, plan_ids: (p.plan_ids as string[]).map((id) => planIdx.get(id)),
            next_query_at: p.next_query_at.getTime() - p.created_at.getTime(), expires_at: p.expires_at.getTime() - p.created_at.getTime(),
            created_at: undefined, updated_at: p.updated_at.getTime() - p.created_at.getTime(),
          };
        }),
        orders: orders.map((o) => {
          const p = payments.find((x) => x.id === o.payment_id)!;
          assert.equal(o.out_trade_no, p.out_trade_no);
          return { payment: payIdx.get(o.payment_id), gateway: o.gateway };
        }).sort((x, y) => String(x.payment).localeCompare(String(y.payment))),
        audit: audit.map((a) => {
          const p = payments.find((x) => `payment:${x.id}` === a.target)!;
          assert.equal(a.at.getTime(), p.created_at.getTime());
          assert.ok(a.id > p.id, 'the audit id is taken after its payment id');
          return { ...a, id: undefined, at: undefined, target: payIdx.get(p.id), actor: a.actor.replace(customerId, 'C') };
        }),
      };
    }

    const outcome = (r: { ok: true; value: { id: string } } | { ok: false; error: { code: string; details?: Record<string, unknown> } }) =>
      (r.ok ? { ok: true as const, id: r.value.id } : { ok: false as const, code: r.error.code, inFlight: r.error.details?.paymentId as string | undefined });

    it('creates, and refuses, exactly what one-by-one createPayment does', async () => {
      const a = await group(1);
      const b = await group(2);
      const single = [];
      for (const { actor, input } of a.items) single.push(outcome(await execute(t.deps, actor, (ctx) => createPayment(ctx, input)) as never));
      const businessDate = await t.deps.calendar.today();
      const listed = (await runTx(t.deps.db, (tx) => createPayments({ tx, deps: t.deps, at: t.deps.clock.now(), businessDate }, b.items))).map((r) => outcome(r as never));
      assert.deepEqual(single.map((r) => (r.ok ? 'ok' : r.code)), [
        'ok', 'ok', 'payment_in_flight', 'payment_in_flight', 'validation_failed', 'plan_not_found', 'ok', 'customer_not_found', 'customer_not_found', 'ok', 'ok', 'payment_in_flight',
      ]);
      // Same results, with the payment each refusal names (and each created id) put in its place among its customer's payments.
      const snapsA = new Map<string, Awaited<ReturnType<typeof snapshot>>>();
      const snapsB = new Map<string, Awaited<ReturnType<typeof snapshot>>>();
      for (let i = 0; i < a.customers.length; i++) {
        snapsA.set(a.customers[i]!, await snapshot(a.customers[i]!));
        snapsB.set(b.customers[i]!, await snapshot(b.customers[i]!));
      }
      const place = (snaps: typeof snapsA, customerId: string, r: ReturnType<typeof outcome>) => {
        const idx = snaps.get(customerId)?.ids.payIdx;
        return r.ok ? { ok: true, id: idx?.get(r.id) } : { ok: false, code: r.code, inFlight: r.inFlight && idx?.get(r.inFlight) };
      };
      assert.deepEqual(
        listed.map((r, i) => place(snapsB, b.items[i]!.input.customerId, r)),
        single.map((r, i) => place(snapsA, a.items[i]!.input.customerId, r)),
      );
      assert.equal(single[2]!.ok === false && single[2]!.inFlight !== undefined, true, 'the refusal names the payment in flight');
      for (let i = 0; i < a.customers.length; i++) {
        const { ids: _a, ...x } = snapsA.get(a.customers[i]!)!;
        const { ids: _b, ...y } = snapsB.get(b.customers[i]!)!;
        assert.deepEqual(y, x, `customer ${i + 1}`);
      }
      const c1 = snapsA.get(a.customers[0]!)!;
      assert.equal(c1.payments.length, 1, 'c1: the second payment for the same plan was refused');
      assert.equal(snapsA.get(a.customers[4]!)!.payments.length, 2, 'c5: two payments on different plans');
    });

    it('writes nothing for an empty list or a list of refusals', async () => {
      const businessDate = await t.deps.calendar.today();
      const count = async () => Number((await t.deps.db.selectFrom('payments').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const before = await count();
      const r = await runTx(t.deps.db, async (tx) => [
        ...await createPayments({ tx, deps: t.deps, at: t.deps.clock.now(), businessDate }, []),
        ...await createPayments({ tx, deps: t.deps, at: t.deps.clock.now(), businessDate }, [
          { actor: { kind: 'system', id: 't' }, input: { customerId: NO_SUCH_CUSTOMER, target: { kind: 'amount' }, amount: 1_00, gateway: 'sandbox', ttlMs: 60_000 } },
        ]),
      ]);
      assert.deepEqual(r.map((x) => (x.ok ? 'ok' : x.error.code)), ['customer_not_found']);
      assert.equal(await count(), before);
    });
  });
}
