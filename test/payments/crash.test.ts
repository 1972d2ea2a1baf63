import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { openFreshPostgres } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { handleNotification } from '../../src/app/payments/handle-notification.ts';
import { pollPaymentsOnce } from '../../src/app/payments/poll-payments.ts';
import { runAutoDebitsOnce } from '../../src/app/payments/autodebit/run-autodebits.ts';
import type { CrashPoint } from '../../src/app/payments/crash-points.ts';
import { DEFAULT_FAULTS } from '../../src/adapters/gateways/sandbox/faults.ts';
import { addDays } from '../../src/core/calendar/business-date.ts';
import { cashierPath, postings, sandbox } from './support.ts';

const url = process.env.FENQI_TEST_DATABASE_URL;

/** Runs one step in a child process that is SIGKILLed at `point`. */
function child(dbUrl: string, clock: Date, point: CrashPoint | 'none', ...args: string[]): Promise<{ signal: NodeJS.Signals | null; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'test/payments/crash-child.ts', ...args], {
      env: { ...process.env, CRASH_DATABASE_URL: dbUrl, CRASH_CLOCK: clock.toISOString(), ...(point === 'none' ? {} : { FENQI_CRASH_AT: point }) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (c) => { out += c; });
    p.on('error', reject);
    p.on('exit', (_code, signal) => resolve({ signal, out }));
  });
}

/**
 * The crash test (issue 4): kill the process at every step of handling a notification and of
 * an auto-debit attempt, recover the way production does (the gateway retries, the status
 * poller and the ladder run), then count lost payments, double postings and stuck payments.
 * Needs PostgreSQL: two processes share the database.
 */
describe('crash recovery (SIGKILL at every step) on postgres', { skip: !url && 'set FENQI_TEST_DATABASE_URL' }, () => {
  let t: TestApp;
  let store: TestStore;
  let dbUrl: string;
  let n = 0;
  const figures = { crashes: 0, lost: 0, doublePostings: 0, stuck: 0 };
  before(async () => {
    t = await startTestApp({ name: 'postgres', open: () => openFreshPostgres(url!) });
    store = await seedTestStore(t);
    const u = new URL(url!);
    u.pathname = new URL(t.handle.location).pathname;
    dbUrl = u.toString();
  });
  after(async () => {
    process.stdout.write(`# crash test: ${figures.crashes} crashes; lost ${figures.lost}, double postings ${figures.doublePostings}, stuck ${figures.stuck}\n`);
    await t?.close();
  });

  async function customer() {
    await t.setBusinessDate('2026-01-05');
    const plan = await checkout(t, store, `1300013${String(6000 + ++n).padStart(4, '0')}`, 'fee-12', '6000.00', `K-${n}`);
    return { plan, token: await sessionFor(t, plan.customerId) };
  }

  async function audit(customerId: string) {
    const pays = await t.deps.db.selectFrom('payments').select(['status', 'out_trade_no']).where('customer_id', '=', customerId).execute();
    const trades = await t.deps.db.selectFrom('sandbox_trades').select(['out_trade_no', 'status']).where('out_trade_no', 'in', pays.length ? pays.map((p) => p.out_trade_no) : ['-']).execute();
    const lost = trades.filter((tr) => tr.status === 'paid' && pays.find((p) => p.out_trade_no === tr.out_trade_no)?.status !== 'succeeded').length;
    const stuck = pays.filter((p) => p.status === 'created' || p.status === 'pending').length
      + (await t.deps.db.selectFrom('autodebit_attempts').select('id').where('customer_id', '=', customerId).where('result', '=', 'running').execute()).length;
    const doubles = Math.max(0, (await postings(t, customerId)) - 1);
    figures.lost += lost; figures.stuck += stuck; figures.doublePostings += doubles;
    return { lost, stuck, doubles, postings: await postings(t, customerId) };
  }

  for (const point of ['none', 'notify:verified', 'notify:before-commit', 'notify:after-commit'] as const) {
    it(`a notification handler killed at ${point} loses nothing and posts once`, async () => {
      sandbox(t).faults = { ...DEFAULT_FAULTS, lostCallback: true, notifyDelayMs: 0 };
      const { plan, token } = await customer();
      const r = await t.api('POST', '/v1/me/payments', { token, key: `k-${n}`, body: { kind: 'installment', planId: plan.id, installmentNumber: 1, amount: '536.00', gateway: 'sandbox' } });
      const { outTradeNo } = cashierPath(r.body.pay.url);
      await sandbox(t).pay(outTradeNo);
      const run = await child(dbUrl, t.clock.now(), point, 'notify', outTradeNo);
      if (point !== 'none') { assert.equal(run.signal, 'SIGKILL'); figures.crashes++; } else assert.equal(run.out, 'success');
      // Recovery: the gateway sends the notification again until it hears success.
      const raw = (await sandbox(t).notificationFor(outTradeNo))!;
      assert.equal((await handleNotification(t.deps, 'sandbox', raw)).body, 'success');
      assert.deepEqual(await audit(plan.customerId), { lost: 0, stuck: 0, doubles: 0, postings: 1 });
    });
  }

  for (const point of ['none', 'debit:claimed', 'debit:payment-created', 'debit:after-gateway', 'debit:settled'] as const) {
    it(`an auto-debit killed at ${point} loses nothing, posts once and leaves nothing stuck`, async () => {
      sandbox(t).faults = { ...DEFAULT_FAULTS, notifyDelayMs: 0 };
      const { plan, token } = await customer();
      const signed = await t.api('POST', '/v1/me/autodebit', { token, body: { planId: plan.id, gateway: 'sandbox' } });
      const due = plan.installments[0].dueDate as string;
      await t.setBusinessDate(due);
      t.clock.set(new Date(`${due}T08:00:00+08:00`));
      const run = await child(dbUrl, t.clock.now(), point, 'autodebit');
      if (point !== 'none') { assert.equal(run.signal, 'SIGKILL'); figures.crashes++; }
      // Recovery: the status poller, then the ladder's later steps.
      t.clock.advance(15 * 60_000);
      await pollPaymentsOnce(t.deps);
      await runAutoDebitsOnce(t.deps);
      t.clock.set(new Date(`${due}T12:00:00+08:00`));
      await runAutoDebitsOnce(t.deps);
      await sandbox(t).drain();
      assert.deepEqual(await audit(plan.customerId), { lost: 0, stuck: 0, doubles: 0, postings: 1 });
      await t.api('DELETE', `/v1/me/autodebit/${signed.body.id}`, { token: await sessionFor(t, plan.customerId) });
      await t.setBusinessDate(addDays(due, 0));
    });
  }

  it('the books prove out after every crash', async () => {
    const report = await checkLedger(t.deps.db);
    assert.ok(report.ok, JSON.stringify(report.failures));
  });
});
