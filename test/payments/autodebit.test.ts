import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { runAutoDebitsOnce } from '../../src/app/payments/autodebit/run-autodebits.ts';
import { pollPaymentsOnce } from '../../src/app/payments/poll-payments.ts';
import { ladderSlots, currentSlot } from '../../src/core/payments/debit-ladder.ts';
import { addDays } from '../../src/core/calendar/business-date.ts';
import { DEFAULT_FAULTS } from '../../src/adapters/gateways/sandbox/faults.ts';
import { postings, sandbox } from './support.ts';

describe('the debit ladder', () => {
  it('attempts at 08:00, 12:00, 20:00 on the due date, then 10:00 on each grace day, one window each', () => {
    const slots = ladderSlots('2026-02-10', 3);
    assert.deepEqual(slots.map((s) => s.at.toISOString()), [
      '2026-02-10T00:00:00.000Z', '2026-02-10T04:00:00.000Z', '2026-02-10T12:00:00.000Z', '2026-02-11T02:00:00.000Z', '2026-02-12T02:00:00.000Z', '2026-02-13T02:00:00.000Z',
    ]);
    const at = (iso: string) => currentSlot(slots, new Date(iso))?.slot;
    assert.equal(at('2026-02-09T23:59:59Z'), undefined);
    assert.equal(at('2026-02-10T00:00:00Z'), 0);
    assert.equal(at('2026-02-10T03:59:59Z'), 0);
    assert.equal(at('2026-02-10T15:00:00Z'), 2);
    assert.equal(at('2026-02-11T01:00:00Z'), 2, '20:00 window runs to the next step');
    assert.equal(at('2026-02-13T15:59:59Z'), 5);
    assert.equal(at('2026-02-13T16:00:00Z'), undefined, 'after the last grace day, no more attempts');
  });
});

for (const target of testDatabases()) {
  describe(`auto-debit over simulated days on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    let n = 0;
    before(async () => { t = await startTestApp(target); store = await seedTestStore(t); });
    after(async () => { await sandbox(t).drain(); await t.close(); });
    beforeEach(() => { sandbox(t).faults = { ...DEFAULT_FAULTS, notifyDelayMs: 0 }; });

    /** A customer with a plan and an auto-debit agreement for it; times are Shanghai local. */
    async function signed() {
      await t.setBusinessDate('2026-01-05');
      const plan = await checkout(t, store, `1320013${String(2000 + ++n).padStart(4, '0')}`, 'fee-12', '6000.00', `D-${n}`);
      const token = await sessionFor(t, plan.customerId);
      const r = await t.api('POST', '/v1/me/autodebit', { token, body: { planId: plan.id, gateway: 'sandbox' } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const due: string = plan.installments[0].dueDate;
      const at = async (day: number, hhmm: string) => {
        const date = addDays(due, day);
        await t.setBusinessDate(date);
        t.clock.set(new Date(`${date}T${hhmm}:00+08:00`));
        return runAutoDebitsOnce(t.deps);
      };
      // Sessions expire as simulated weeks pass: each call gets a fresh one.
      const fresh = () => sessionFor(t, plan.customerId);
      const record = async () => (await t.api('GET', '/v1/me/autodebit', { token: await fresh() })).body;
      const attempts = async () => (await record()).attempts.map((a: any) => a.result).reverse();
      const done = async () => t.api('DELETE', `/v1/me/autodebit/${r.body.id}`, { token: await fresh() });
      return { plan, fresh, record, agreement: r.body, at, attempts, done };
    }
    const notices = (template: string, customerId: string) => t.sent.filter((s) => s.template === template && s.to === customerId).length;

    it('debits at 08:00 on the due date, exactly the amount due, then stops', async () => {
      const c = await signed();
      assert.equal((await c.at(0, '07:59')).succeeded, 0);
      assert.equal((await c.at(0, '08:00')).succeeded, 1);
      await sandbox(t).drain();
      assert.equal((await c.at(0, '12:00')).succeeded, 0);
      assert.deepEqual(await c.attempts(), ['succeeded']);
      const rec = await c.record();
      assert.equal(rec.attempts[0].amount, '536.00');
      assert.equal(await postings(t, c.plan.customerId), 1, 'the notification that followed the debit did not post again');
      const staff = await t.api('GET', `/v1/admin/customers/${c.plan.customerId}/autodebit`, { token: t.adminToken });
      assert.equal(staff.body.attempts.length, 1, 'customer service sees the same record');
      await c.done();
    });

    it('insufficient funds climbs the ladder, tells the customer each time, and succeeds on a grace day', async () => {
      const c = await signed();
      sandbox(t).faults.insufficientFunds = true;
      for (const hhmm of ['08:00', '12:00', '20:00']) assert.equal((await c.at(0, hhmm)).insufficient_funds, 1, hhmm);
      assert.equal((await c.at(0, '21:00')).insufficient_funds, 0, 'one attempt per step');
      assert.equal(notices('autodebit.insufficient_funds', c.plan.customerId), 3);
      sandbox(t).faults.insufficientFunds = false;
      assert.equal((await c.at(1, '10:00')).succeeded, 1);
      assert.deepEqual(await c.attempts(), ['insufficient_funds', 'insufficient_funds', 'insufficient_funds', 'succeeded']);
      assert.equal(await postings(t, c.plan.customerId), 1);
      await c.done();
    });

    it('a revoked agreement stops the ladder and tells the customer', async () => {
      const c = await signed();
      const row = await t.deps.db.selectFrom('autodebit_agreements').select('agreement_no').where('id', '=', c.agreement.id).executeTakeFirstOrThrow();
      await sandbox(t).agreements.revoke(row.agreement_no);
      assert.equal((await c.at(0, '08:00')).agreement_revoked, 1);
      assert.equal((await c.at(0, '12:00')).agreement_revoked, 0);
      assert.deepEqual(await c.attempts(), ['agreement_revoked']);
      const rec = await c.record();
      assert.equal(rec.agreements[0].status, 'revoked');
      assert.equal(notices('autodebit.agreement_revoked', c.plan.customerId), 1);
      assert.equal(await postings(t, c.plan.customerId), 0);
    });

    it('an installment paid by another channel is not debited, and a partial payment lowers the debit', async () => {
      const c = await signed();
      const pay = async (amount: string, key: string) => t.api('POST', '/v1/me/repayments', { token: await c.fresh(), key, body: { kind: 'installment', planId: c.plan.id, installmentNumber: 1, amount } });
      await c.at(0, '07:00');
      assert.equal((await pay('100.00', 'part')).status, 201);
      assert.equal((await c.at(0, '08:00')).succeeded, 1);
      const rec = await c.record();
      assert.equal(rec.attempts[0].amount, '436.00', 'never more than is owed');
      await c.done();
      const d = await signed();
      await d.at(0, '07:00');
      assert.equal((await t.api('POST', '/v1/me/repayments', { token: await d.fresh(), key: 'all', body: { kind: 'installment', planId: d.plan.id, installmentNumber: 1, amount: '536.00' } })).status, 201);
      const r = await d.at(0, '08:00');
      assert.equal(r.succeeded + r.insufficient_funds + r.failed + r.skipped, 0);
      assert.deepEqual(await d.attempts(), []);
      await d.done();
    });

    it('a debit whose answer is lost (timeout) is settled once by the status query', async () => {
      const c = await signed();
      sandbox(t).faults.timeout = true;
      assert.equal((await c.at(0, '08:00')).failed, 1);
      sandbox(t).faults.timeout = false;
      await sandbox(t).drain();
      assert.equal(await postings(t, c.plan.customerId), 1, 'its notification settled it');
      t.clock.advance(61_000);
      await pollPaymentsOnce(t.deps);
      assert.equal((await c.at(0, '12:00')).succeeded, 0, 'nothing owed any more');
      assert.equal(await postings(t, c.plan.customerId), 1);
      await c.done();
    });

    it('lost and duplicated notifications after a debit still make one posting', async () => {
      for (const faults of [{ lostCallback: true }, { duplicateCallbacks: 4 }]) {
        const c = await signed();
        Object.assign(sandbox(t).faults, faults);
        assert.equal((await c.at(0, '08:00')).succeeded, 1);
        await sandbox(t).drain();
        assert.equal(await postings(t, c.plan.customerId), 1, JSON.stringify(faults));
        await c.done();
        sandbox(t).faults = { ...DEFAULT_FAULTS, notifyDelayMs: 0 };
      }
    });

    it('runners racing for the same step debit once', async () => {
      const c = await signed();
      await c.at(0, '07:00');
      t.clock.set(new Date(`${c.plan.installments[0].dueDate}T08:00:00+08:00`));
      const reports = await Promise.all(Array.from({ length: 8 }, () => runAutoDebitsOnce(t.deps)));
      assert.equal(reports.reduce((s, r) => s + r.succeeded, 0), 1);
      await sandbox(t).drain();
      assert.equal(await postings(t, c.plan.customerId), 1);
      assert.equal((await c.done()).status, 200);
      assert.equal((await c.at(1, '10:00')).succeeded, 0, 'a cancelled agreement is never debited');
      const report = await checkLedger(t.deps.db);
      assert.ok(report.ok, JSON.stringify(report.failures));
    });
  });
}
