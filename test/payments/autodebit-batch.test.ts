import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases, type TestDatabase } from '../support/db.ts';
import type { TestApp } from '../support/app.ts';
import { checkout, sessionFor } from '../support/store.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { runAutoDebitsOnce, type AutoDebitOptions, type AutoDebitReport } from '../../src/app/payments/autodebit/run-autodebits.ts';
import { startPayment } from '../../src/app/payments/start-payment.ts';
import { paymentsDb } from '../../src/app/payments/tables.ts';
import { addDays } from '../../src/core/calendar/business-date.ts';
import { sandbox, startQuietSandboxApp } from './support.ts';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const HEX = /[0-9A-Fa-f]{24,32}/g;

/**
 * The batched auto-debit round against the one-by-one round: two databases with the same
 * customers, plans and agreements, the same sandbox answers at the same times; database A's
 * rounds take every agreement one by one (batch: false), database B's in chunks of two (so a
 * round has several chunks). Every figure that is not an id or a timestamp must come out the
 * same: round reports, attempts, payments, installments, credit lines, repayments,
 * allocations, journal postings, audit records, queued notices and sent notices.
 *
 * The customers: a plain debit; two agreements of one customer (a plan's, then one for all
 * plans, which sees what the first left owed); an agreement revoked at the gateway; a
 * customer with a cashier payment in flight (skipped); an agreement for all plans; and, at the
 * first step, insufficient funds for everyone (the next step succeeds).
 */
for (const target of testDatabases()) {
  describe(`auto-debit rounds as a batch on ${target.name}`, () => {
    const apps: TestApp[] = [];
    after(async () => { for (const t of apps) { await sandbox(t).drain(); await t.close(); } });

    async function scenario(db: TestDatabase, options: AutoDebitOptions) {
      const { t, store } = await startQuietSandboxApp(db);
      apps.push(t);
      const customers: string[] = [];
      const buy = async (i: number, product: string, amount: string, ref: string) => {
        const plan = await checkout(t, store, `1350013${String(i).padStart(4, '0')}`, product, amount, ref);
        if (!customers.includes(plan.customerId)) customers.push(plan.customerId);
        return plan as { id: string; customerId: string; installments: { dueDate: string }[] };
      };
      const sign = async (customerId: string, planId?: string) => {
        const r = await t.api('POST', '/v1/me/autodebit', { token: await sessionFor(t, customerId), body: { ...(planId ? { planId } : {}), gateway: 'sandbox' } });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        return r.body as { id: string };
      };
      const c1 = await buy(1, 'fee-12', '6000.00', 'E-1');
      await sign(c1.customerId, c1.id);
      const c2a = await buy(2, 'fee-12', '6000.00', 'E-2a');
      const c2b = await buy(2, 'free-12', '1200.00', 'E-2b');
      await sign(c2a.customerId, c2a.id);
      await sign(c2b.customerId);
      const c3 = await buy(3, 'fee-12', '6000.00', 'E-3');
      const a3 = await sign(c3.customerId, c3.id);
      const row = await paymentsDb(t.deps.db).selectFrom('autodebit_agreements').select('agreement_no').where('id', '=', a3.id).executeTakeFirstOrThrow();
      await sandbox(t).agreements.revoke(row.agreement_no);
      const c4 = await buy(4, 'fee-12', '6000.00', 'E-4');
      await sign(c4.customerId, c4.id);
      const c5 = await buy(5, 'ei-12', '2400.00', 'E-5');
      await sign(c5.customerId);
      const c6 = await buy(6, 'fee-12', '6000.00', 'E-6');
      await sign(c6.customerId, c6.id);
      const due = c1.installments[0]!.dueDate;
      const reports: AutoDebitReport[] = [];
      const at = async (day: number, hhmm: string) => {
        const date = addDays(due, day);
        await t.setBusinessDate(date);
        t.clock.set(new Date(`${date}T${hhmm}:00+08:00`));
        reports.push(await runAutoDebitsOnce(t.deps, undefined, options));
      };
      await at(0, '07:00');
      const inFlight = await startPayment(t.deps, { kind: 'customer', id: c4.customerId }, { customerId: c4.customerId, target: { kind: 'installment', planId: c4.id, installmentNumber: 1 }, amount: 536_00, gateway: 'sandbox' });
      assert.ok(inFlight.ok, JSON.stringify(inFlight));
      sandbox(t).faults.insufficientFunds = true;
      await at(0, '08:00');
      sandbox(t).faults.insufficientFunds = false;
      await at(0, '12:00');
      await at(0, '12:30');
      await at(1, '10:00');
      const ledger = await checkLedger(t.deps.db);
      assert.ok(ledger.ok, JSON.stringify(ledger));
      return { t, customers, reports };
    }

    async function snapshot(t: TestApp, customerId: string) {
      const db = t.deps.db;
      const plans = await db.selectFrom('plans').select(['id', 'status']).where('customer_id', '=', customerId).orderBy('created_at').orderBy('amount_fen').execute();
      // Plans by their place, every other id and every timestamp left out: what is compared is what happened.
      const plain = (r: object) => {
        let s = JSON.stringify(Object.fromEntries(Object.entries(r).filter(([k]) => !k.endsWith('_at') && k !== 'id' && k !== 'customer_id')));
        plans.forEach((p, i) => { s = s.split(p.id).join(`plan#${i}`); });
        return s.replace(UUID, 'ID').replace(HEX, 'HEX');
      };
      const rows = async (q: Promise<object[]>) => (await q).map(plain).sort();
      const repayments = await db.selectFrom('repayments').select('id').where('customer_id', '=', customerId).execute();
      const payments = await db.selectFrom('payments').select('id').where('customer_id', '=', customerId).execute();
      const targets = [...repayments.map((r) => `repayment:${r.id}`), ...payments.map((p) => `payment:${p.id}`), '-'];
      return {
        plans: plans.map((p) => p.status),
        attempts: await rows(db.selectFrom('autodebit_attempts').selectAll().where('customer_id', '=', customerId).execute()),
        agreements: await rows(paymentsDb(db).selectFrom('autodebit_agreements').select(['plan_id', 'status', 'end_reason']).where('customer_id', '=', customerId).execute()),
        payments: await rows(db.selectFrom('payments').select(['kind', 'target', 'plan_ids', 'amount_fen', 'status', 'settled_by', 'failure_reason', 'business_date']).where('customer_id', '=', customerId).execute()),
        installments: await rows(db.selectFrom('installments').selectAll().where('customer_id', '=', customerId).execute()),
        line: await db.selectFrom('credit_lines').select(['used_fen', 'credit_balance_fen', 'limit_fen']).where('customer_id', '=', customerId).executeTakeFirstOrThrow(),
        repayments: await rows(db.selectFrom('repayments').selectAll().where('customer_id', '=', customerId).execute()),
        allocations: await rows(db.selectFrom('allocations').selectAll().where('customer_id', '=', customerId).execute()),
        journal: await rows(db.selectFrom('journal_entries').select('kind').where('customer_id', '=', customerId).execute()),
        postings: await rows(db.selectFrom('postings').selectAll().where('customer_id', '=', customerId).execute()),
        audit: await rows(db.selectFrom('audit_log').select(['action', 'actor', 'details']).where('target', 'in', targets).execute()),
        notices: await rows(db.selectFrom('notices').select(['kind', 'dedup_key', 'business_date', 'plan_id', 'installment_number', 'due_date', 'facts', 'channels', 'status']).where('customer_id', '=', customerId).execute()),
        sent: t.sent.filter((s) => s.to === customerId && s.template.startsWith('autodebit.')).map(plain).sort(),
      };
    }

    it('takes the same steps, makes the same payments and posts the same repayments as a round that takes them one by one', async () => {
      const a = await scenario(target, { batch: false });
      const b = await scenario(target, { chunkSize: 2 });
      assert.deepEqual(b.reports, a.reports, 'the rounds report the same results');
      // The second round: everyone short of funds but the customer with a payment in flight (skipped) and the revoked agreement.
      assert.deepEqual(a.reports[1], { idle: 0, running: 0, succeeded: 0, insufficient_funds: 5, agreement_revoked: 1, failed: 0, skipped: 1 });
      assert.deepEqual(a.reports[2], { idle: 0, running: 0, succeeded: 5, insufficient_funds: 0, agreement_revoked: 0, failed: 0, skipped: 1 });
      assert.equal(b.customers.length, a.customers.length);
      for (let i = 0; i < a.customers.length; i++) {
        const [sa, sb] = [await snapshot(a.t, a.customers[i]!), await snapshot(b.t, b.customers[i]!)];
        assert.deepEqual(sb, sa, `customer ${i + 1} of the batched round ends as customer ${i + 1} of the one-by-one round`);
      }
      const c2 = await snapshot(b.t, b.customers[1]!);
      assert.deepEqual(c2.payments.filter((p) => p.includes('succeeded')).map((p) => JSON.parse(p).amount_fen).sort(), [100_00, 536_00],
        'the agreement for all plans debited what the plan\'s agreement left owed');
    });
  });
}
