import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import type { TestApp } from '../support/app.ts';
import { checkout, type TestStore } from '../support/store.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { startPayment } from '../../src/app/payments/start-payment.ts';
import { handleNotification } from '../../src/app/payments/handle-notification.ts';
import { handleNotifications } from '../../src/app/payments/handle-notifications.ts';
import type { RawNotification } from '../../src/app/payments/ports.ts';
import type { RepaymentTarget } from '../../src/app/servicing/repayment-targets.ts';
import { SANDBOX_SIGNATURE_HEADER } from '../../src/adapters/gateways/sandbox/sandbox-gateway.ts';
import { sandbox, startQuietSandboxApp } from './support.ts';

/**
 * The batched notification entry point against the single one: two groups of customers with
 * identical plans and payments; group A's notifications are delivered one by one
 * (handleNotification), group B's as one list (handleNotifications). Every figure that is not
 * an id or a timestamp must come out the same: installments, credit lines, repayments,
 * allocations, waivers, journal postings, refunds, payments, notification verdicts, alerts.
 */
for (const target of testDatabases()) {
  describe(`gateway notifications settled as a batch on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    let phoneN = 0;
    before(async () => { ({ t, store } = await startQuietSandboxApp(target)); });
    after(async () => { await sandbox(t).drain(); await t.close(); });

    const buy = async (group: string, product: string, amount: string, phone: string) =>
      (await checkout(t, store, phone, product, amount, `${group}-${++phoneN}`)) as { id: string; customerId: string };

    async function paid(customerId: string, target: RepaymentTarget, amount: number): Promise<RawNotification> {
      const started = await startPayment(t.deps, { kind: 'customer', id: customerId }, { customerId, target, amount, gateway: 'sandbox' });
      assert.ok(started.ok, JSON.stringify(started));
      assert.equal(await sandbox(t).pay(started.value.payment.out_trade_no), 'paid');
      return (await sandbox(t).notificationFor(started.value.payment.out_trade_no))!;
    }

    /** One group's customers and the list of notifications their payments produce, in delivery order. */
    async function group(g: string, digit: number): Promise<{ customers: string[]; raws: RawNotification[] }> {
      const phone = (i: number) => `1390000${digit}${String(i).padStart(3, '0')}`;
      const c1 = await buy(g, 'fee-12', '6000.00', phone(1));
      const c2 = await buy(g, 'free-3', '3000.00', phone(2));
      const c3 = await buy(g, 'fee-12', '6000.00', phone(3));
      const c4a = await buy(g, 'fee-12', '6000.00', phone(4));
      const c4b = await buy(g, 'free-12', '1200.00', phone(4));
      const c5 = await buy(g, 'ei-12', '2400.00', phone(5));
      const c6 = await buy(g, 'fee-12', '6000.00', phone(6));
      const c7 = await buy(g, 'fee-12', '6000.00', phone(7));
      const n1 = await paid(c1.customerId, { kind: 'installment', planId: c1.id, installmentNumber: 1 }, 536_00);
      const n2 = await paid(c2.customerId, { kind: 'payoff', planId: c2.id }, 3000_00);
      // More than everything owed: the rest goes to the credit balance and back through the payment (overpayment refund).
      const n3 = await paid(c3.customerId, { kind: 'amount' }, 7000_00);
      const n4a = await paid(c4a.customerId, { kind: 'installment', planId: c4a.id, installmentNumber: 1 }, 536_00);
      const n4b = await paid(c4b.customerId, { kind: 'installment', planId: c4b.id, installmentNumber: 1 }, 100_00);
      const n5 = await paid(c5.customerId, { kind: 'bill' }, 100_00);
      const n6 = await paid(c6.customerId, { kind: 'installment', planId: c6.id, installmentNumber: 1 }, 536_00);
      const n7 = await paid(c7.customerId, { kind: 'installment', planId: c7.id, installmentNumber: 1 }, 536_00);
      const forged = { ...n6, headers: { ...n6.headers, [SANDBOX_SIGNATURE_HEADER]: '0'.repeat(64) } };
      const body = JSON.parse(n7.rawBody) as { amount_fen: number };
      const wrongAmount = JSON.stringify({ ...body, amount_fen: body.amount_fen + 1 });
      const mismatch = { headers: { ...n7.headers, [SANDBOX_SIGNATURE_HEADER]: sandbox(t).sign(wrongAmount) }, rawBody: wrongAmount };
      return {
        customers: [c1.customerId, c2.customerId, c3.customerId, c4a.customerId, c5.customerId, c6.customerId, c7.customerId],
        // A second notification of one customer (n4b), a duplicate (n1 again), a forged one, a validly signed wrong amount.
        raws: [n4a, n1, forged, n2, n4b, n3, n1, mismatch, n5],
      };
    }

    async function snapshot(customerId: string) {
      const db = t.deps.db;
      const plans = await db.selectFrom('plans').select(['id', 'status']).where('customer_id', '=', customerId).orderBy('created_at').orderBy('amount_fen').execute();
      const planIndex = new Map(plans.map((p, i) => [p.id, i]));
      const idx = (id: string | null) => (id === null ? null : planIndex.get(id));
      const rows = async <R>(q: Promise<R[]>, f: (r: R) => unknown) => (await q).map((r) => JSON.stringify(f(r))).sort();
      const payments = await db.selectFrom('payments').selectAll().where('customer_id', '=', customerId).execute();
      const outTradeNos = payments.map((p) => p.out_trade_no);
      return {
        plans: plans.map((p) => p.status),
        installments: await rows(db.selectFrom('installments').selectAll().where('customer_id', '=', customerId).execute(), ({ customer_id: _c, plan_id, ...r }) => ({ ...r, plan: idx(plan_id) })),
        line: await db.selectFrom('credit_lines').select(['used_fen', 'credit_balance_fen', 'limit_fen']).where('customer_id', '=', customerId).executeTakeFirstOrThrow(),
        repayments: await rows(db.selectFrom('repayments').selectAll().where('customer_id', '=', customerId).execute(), (r) => [r.kind, r.amount_fen, r.applied_fen, r.to_credit_balance_fen, r.charges_fen, r.channel, idx(r.plan_id)]),
        allocations: await rows(db.selectFrom('allocations').selectAll().where('customer_id', '=', customerId).execute(), (a) => [a.seq, idx(a.plan_id), a.installment_number, a.component, a.amount_fen]),
        waivers: await rows(db.selectFrom('waivers').selectAll().where('customer_id', '=', customerId).execute(), (w) => [idx(w.plan_id), w.installment_number, w.component, w.amount_fen, w.source, w.actor]),
        journal: await rows(db.selectFrom('journal_entries').select('kind').where('customer_id', '=', customerId).execute(), (e) => e.kind),
        postings: await rows(db.selectFrom('postings').selectAll().where('customer_id', '=', customerId).execute(), (p) => [p.debit_account, p.credit_account, idx(p.plan_id), p.amount_fen, p.business_date]),
        refunds: await rows(db.selectFrom('refunds').selectAll().where('customer_id', '=', customerId).execute(), (r) => [r.kind, r.amount_fen, r.channel, r.status]),
        payments: payments.map((p) => [p.amount_fen, p.status, p.settled_by, p.kind]).map((x) => JSON.stringify(x)).sort(),
        verdicts: await rows(db.selectFrom('payment_notifications').select(['verdict', 'reason', 'amount_fen']).where('out_trade_no', 'in', outTradeNos).execute(), (n) => n),
        alerts: await rows(db.selectFrom('alerts').select(['kind', 'severity', 'occurrences']).where('out_trade_no', 'in', outTradeNos).execute(), (a) => a),
        audit: await rows(db.selectFrom('audit_log').select(['action', 'actor']).where('target', 'like', 'repayment:%').where('details', '@>', JSON.stringify({ channel: 'sandbox' }))
          .where('target', 'in', (await db.selectFrom('repayments').select('id').where('customer_id', '=', customerId).execute()).map((r) => `repayment:${r.id}`).concat(['-'])).execute(), (a) => a),
      };
    }

    it('posts, refuses and records exactly what one-by-one delivery does, settling the common case in one transaction', async () => {
      const a = await group('A', 1);
      const b = await group('B', 2);
      const singleReplies = [];
      for (const raw of a.raws) singleReplies.push(await handleNotification(t.deps, 'sandbox', raw));
      const batched = await handleNotifications(t.deps, 'sandbox', b.raws);
      assert.deepEqual(batched.replies, singleReplies, 'the gateway gets the same answer for each notification');
      assert.deepEqual(singleReplies.map((r) => r.body), ['success', 'success', 'fail', 'success', 'success', 'success', 'success', 'fail', 'success']);
      // n4a, n1, n2, n3, n5 in the one transaction; n4b (same customer as n4a), the repeated n1, the forged and the mismatched one one by one.
      assert.equal(batched.batched, 5);
      for (let i = 0; i < a.customers.length; i++) {
        assert.deepEqual(await snapshot(b.customers[i]!), await snapshot(a.customers[i]!), `customer ${i + 1} of group B ends as customer ${i + 1} of group A`);
      }
      const c3 = await snapshot(b.customers[2]!);
      assert.equal(c3.refunds.length, 1, 'the overpayment went back through the payment');
      assert.ok((await snapshot(b.customers[5]!)).payments.every((p) => p.includes('"pending"')), 'the forged notification settled nothing');
      assert.ok((await snapshot(b.customers[6]!)).alerts.some((v) => v.includes('notification_mismatch')));
      const ledger = await checkLedger(t.deps.db);
      assert.ok(ledger.ok, JSON.stringify(ledger));
    });

    it('settles a batch once: delivering the same list again posts nothing more', async () => {
      const b = await group('C', 3);
      const first = await handleNotifications(t.deps, 'sandbox', b.raws);
      const before = await Promise.all(b.customers.map(snapshot));
      const again = await handleNotifications(t.deps, 'sandbox', b.raws);
      assert.deepEqual(again.replies.map((r) => r.body), first.replies.map((r) => r.body));
      const afterSnap = await Promise.all(b.customers.map(snapshot));
      for (let i = 0; i < before.length; i++) {
        const { verdicts: v0, alerts: _a0, ...rest0 } = before[i]!;
        const { verdicts: v1, alerts: _a1, ...rest1 } = afterSnap[i]!;
        assert.deepEqual(rest1, rest0, `customer ${i + 1}: nothing posted twice`);
        assert.ok(v1.length > v0.length || v0.length === 0);
      }
      assert.ok((await checkLedger(t.deps.db)).ok);
    });
  });
}
