import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, type TestStore } from '../support/store.ts';
import { protectPlans } from '../../src/app/entrances/protection-store.ts';
import { DEFAULT_PROTECTION_SETTINGS } from '../../src/core/entrances/protection.ts';
import { createApiKey } from '../../src/app/admin/create-api-key.ts';
import { reportAndWrite } from '../../src/adapters/cli/credit-report.ts';
import { UsageError } from '../../src/adapters/cli/usage-error.ts';
import { parseReportMonth } from '../../src/core/credit-report/report-month.ts';
import { ok } from '../../src/core/result.ts';

/** What the file must say, computed here independently of the code under test. */
const ref = (customerId: string) => createHmac('sha256', 'test-secret').update(`credit-report:${customerId}`).digest('hex').slice(0, 24);
const history = (recent: string) => '/'.repeat(24 - recent.length) + recent;
const HEAD = 'record,account_id,customer_ref,phone_masked,open_date,loan_amount,credit_line,balance,amount_due,amount_overdue,days_past_due,status,payment_history_24m,supersedes_version,changed_fields';

interface Plan { id: string; customerId: string; phone: string }
function row(record: 'A' | 'C', p: Plan, o: { balance: string; due: string; overdue: string; dpd: number; status: string; recent: string; supersedes?: number; changed?: string }): string {
  return [record, p.id, ref(p.customerId), `${p.phone.slice(0, 3)}****${p.phone.slice(-4)}`, '2026-01-05', '300.00', '20000.00', o.balance, o.due, o.overdue,
    String(o.dpd), o.status, history(o.recent), o.supersedes ?? '', o.changed ?? ''].join(',');
}
const file = (first: string, rows: [string, string][]) => [first, HEAD, ...rows.sort(([a], [b]) => (a < b ? -1 : 1)).map(([, r]) => r), ''].join('\n');

for (const target of testDatabases()) {
  describe(`monthly credit report on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    const p: Record<'onTime' | 'overdue' | 'paidOff' | 'returned' | 'protectedEarly' | 'protectedLate', Plan> = {} as never;
    let onTimePayment = '';

    before(async () => {
      t = await startTestApp(target);
      store = await seedTestStore(t);
      const names = ['onTime', 'overdue', 'paidOff', 'returned', 'protectedEarly', 'protectedLate'] as const;
      for (const [k, name] of names.entries()) {
        const phone = `1380000000${k + 1}`;
        const plan = await checkout(t, store, phone, 'free-3', '300.00', `CR-${k}`);
        p[name] = { id: plan.id, customerId: plan.customerId, phone };
      }
    });
    after(async () => { await t.close(); });

    const operatorPays = async (plan: Plan, body: object, key: string) => {
      const r = await t.api('POST', `/v1/admin/customers/${plan.customerId}/repayments`, { token: t.adminToken, key, body: { ...body, planId: plan.id, channel: 'bank', externalRef: key } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body;
    };
    const runMonth = async (month: string, key: string) => {
      const r = await t.api('POST', `/v1/admin/credit-reports/${month}/run`, { token: t.adminToken, key });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body;
    };
    const download = async (month: string, query = '') => {
      const r = await t.api('GET', `/v1/admin/credit-reports/${month}${query}`, { token: t.adminToken });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r;
    };
    const storedLines = async () => Number((await sql<{ n: number }>`select count(*)::int as n from credit_report_lines`.execute(t.deps.db)).rows[0]!.n);

    it('January: on-time, paid-off and returned plans, in the documented CSV', async () => {
      await t.setBusinessDate('2026-01-20');
      const payoff = await operatorPays(p.paidOff, { kind: 'payoff', amount: '300.00' }, 'payoff-1');
      assert.equal(payoff.applied, '300.00');
      await t.setBusinessDate('2026-01-25');
      const ret = await t.api('POST', `/v1/merchant/plans/${p.returned.id}/returns`, { token: store.merchantToken, key: 'return-1', body: { kind: 'full' } });
      assert.equal(ret.status, 200, JSON.stringify(ret.body));
      await t.setBusinessDate('2026-02-01');

      const r = await runMonth('2026-01', 'jan-1');
      assert.deepEqual({ changed: r.changed, accounts: r.accounts, version: r.run.version, kind: r.run.kind, lines: r.run.lines }, { changed: true, accounts: 6, version: 1, kind: 'full', lines: 6 });
      const open = { balance: '300.00', due: '0.00', overdue: '0.00', dpd: 0, status: 'normal', recent: '*' };
      const expected = file('#fenqi-credit-report,format=1,month=2026-01,as_of=2026-01-31,kind=full,version=1,lines=6', [
        [p.onTime.id, row('A', p.onTime, open)], [p.overdue.id, row('A', p.overdue, open)],
        [p.protectedEarly.id, row('A', p.protectedEarly, open)], [p.protectedLate.id, row('A', p.protectedLate, open)],
        [p.paidOff.id, row('A', p.paidOff, { balance: '0.00', due: '0.00', overdue: '0.00', dpd: 0, status: 'paid_off', recent: 'C' })],
        [p.returned.id, row('A', p.returned, { balance: '0.00', due: '0.00', overdue: '0.00', dpd: 0, status: 'refunded', recent: 'C' })],
      ]);
      const got = await download('2026-01');
      assert.equal(got.body, expected);
      assert.match(String(got.headers['content-type']), /^text\/csv/);
      assert.match(String(got.headers['content-disposition']), /credit-report-2026-01\.csv/);
    });

    it('re-running an unchanged month writes nothing and gives the same file', async () => {
      const before = await download('2026-01');
      const lines = await storedLines();
      const r = await runMonth('2026-01', 'jan-2');
      assert.deepEqual({ changed: r.changed, version: r.run.version }, { changed: false, version: 1 });
      assert.equal(await storedLines(), lines);
      assert.equal((await download('2026-01')).body, before.body);
      const runs = await t.api('GET', '/v1/admin/credit-reports', { token: t.adminToken });
      assert.deepEqual(runs.body.items.map((i: any) => [i.month, i.version, i.kind, i.lines]), [['2026-01', 1, 'full', 6]]);
    });

    it('February: overdue with DPD and amounts; a plan protected by an outage is not overdue', async () => {
      await t.run(async (ctx) => ok(await protectPlans(ctx, { kind: 'incident', ref: 'INC-1', window: { from: '2026-02-08', to: '2026-02-25' }, detail: {} },
        [{ customerId: p.protectedEarly.customerId, planId: p.protectedEarly.id }], DEFAULT_PROTECTION_SETTINGS)));
      await t.setBusinessDate('2026-02-10');
      onTimePayment = (await operatorPays(p.onTime, { kind: 'installment', installmentNumber: 1, amount: '100.00' }, 'on-time-1')).id;
      await t.setBusinessDate('2026-03-01');

      const r = await runMonth('2026-02', 'feb-1');
      assert.deepEqual({ changed: r.changed, accounts: r.accounts, version: r.run.version, kind: r.run.kind }, { changed: true, accounts: 4, version: 1, kind: 'full' });
      const late = { balance: '300.00', due: '100.00', overdue: '100.00', dpd: 18, status: 'overdue', recent: '*1' };
      assert.equal((await download('2026-02')).body, file('#fenqi-credit-report,format=1,month=2026-02,as_of=2026-02-28,kind=full,version=1,lines=4', [
        [p.onTime.id, row('A', p.onTime, { balance: '200.00', due: '100.00', overdue: '0.00', dpd: 0, status: 'normal', recent: '*N' })],
        [p.overdue.id, row('A', p.overdue, late)],
        [p.protectedEarly.id, row('A', p.protectedEarly, { balance: '300.00', due: '100.00', overdue: '0.00', dpd: 0, status: 'normal', recent: '*N' })],
        [p.protectedLate.id, row('A', p.protectedLate, late)],
      ]));
    });

    it('a reversal and a protection declared afterwards produce a corrections file with only those accounts', async () => {
      const rev = await t.api('POST', `/v1/admin/customers/${p.onTime.customerId}/repayments/${onTimePayment}/reverse`, { token: t.adminToken, key: 'reverse-1', body: { reason: 'bank returned the transfer' } });
      assert.equal(rev.status, 200, JSON.stringify(rev.body));
      await t.run(async (ctx) => ok(await protectPlans(ctx, { kind: 'incident', ref: 'INC-2', window: { from: '2026-02-08', to: '2026-02-25' }, detail: {} },
        [{ customerId: p.protectedLate.customerId, planId: p.protectedLate.id }], DEFAULT_PROTECTION_SETTINGS)));
      const full = (await download('2026-02')).body;

      const r = await runMonth('2026-02', 'feb-2');
      assert.deepEqual({ changed: r.changed, accounts: r.accounts, version: r.run.version, kind: r.run.kind, lines: r.run.lines }, { changed: true, accounts: 4, version: 2, kind: 'corrections', lines: 2 });
      assert.equal((await download('2026-02', '?version=2')).body, file('#fenqi-credit-report,format=1,month=2026-02,as_of=2026-02-28,kind=corrections,version=2,lines=2', [
        [p.onTime.id, row('C', p.onTime, { balance: '300.00', due: '100.00', overdue: '100.00', dpd: 18, status: 'overdue', recent: '*1', supersedes: 1, changed: 'balance;amount_overdue;days_past_due;status;payment_history_24m' })],
        [p.protectedLate.id, row('C', p.protectedLate, { balance: '300.00', due: '100.00', overdue: '0.00', dpd: 0, status: 'normal', recent: '*N', supersedes: 1, changed: 'amount_overdue;days_past_due;status;payment_history_24m' })],
      ]));
      assert.equal((await download('2026-02')).body, full, 'the full file a month was reported with never changes');

      const lines = await storedLines();
      const again = await runMonth('2026-02', 'feb-3');
      assert.deepEqual({ changed: again.changed, version: again.run.version }, { changed: false, version: 2 });
      assert.equal(await storedLines(), lines);
      assert.equal((await runMonth('2026-01', 'jan-3')).changed, false, 'January did not change');
    });

    it('carries masked and pseudonymous data only, in CSV and JSON', async () => {
      const csv = (await download('2026-01')).body as string;
      const json = JSON.stringify((await download('2026-01', '?format=json')).body);
      for (const text of [csv, json]) {
        for (const plan of Object.values(p)) {
          assert.ok(!text.includes(plan.phone), 'no full phone number');
          assert.ok(!text.includes(plan.customerId), 'no customer id');
        }
      }
      const parsed = (await download('2026-02', '?version=2&format=json')).body;
      assert.deepEqual({ kind: parsed.kind, version: parsed.version, accounts: parsed.accounts.length, first: parsed.accounts[0].record }, { kind: 'corrections', version: 2, accounts: 2, first: 'C' });
    });

    it('answers bad requests with stable problem codes', async () => {
      const post = (month: string, o: { key?: string; token?: string } = {}) => t.api('POST', `/v1/admin/credit-reports/${month}/run`, { token: o.token ?? t.adminToken, ...(o.key ? { key: o.key } : {}) });
      const code = (r: { status: number; body: any }) => [r.status, r.body.code];
      assert.deepEqual(code(await post('2026-13', { key: 'k-13' })), [400, 'date_invalid']);
      assert.deepEqual(code(await post('2026-3', { key: 'k-3' })), [400, 'validation_failed']);
      assert.deepEqual(code(await post('2026-03', { key: 'k-open' })), [409, 'credit_report_month_open']);
      assert.deepEqual(code(await post('2026-02')), [400, 'validation_failed'], 'an Idempotency-Key is required');
      assert.deepEqual(code(await t.api('GET', '/v1/admin/credit-reports/2025-12', { token: t.adminToken })), [404, 'credit_report_not_found']);
      assert.deepEqual(code(await t.api('GET', '/v1/admin/credit-reports/2026-02?version=3', { token: t.adminToken })), [404, 'credit_report_not_found']);
      const agent = await t.run((ctx) => createApiKey(ctx, { role: 'agent', name: 'agent' }));
      const auditor = await t.run((ctx) => createApiKey(ctx, { role: 'auditor', name: 'auditor' }));
      assert.deepEqual(code(await t.api('GET', '/v1/admin/credit-reports', { token: agent.token })), [403, 'forbidden']);
      assert.equal((await t.api('GET', '/v1/admin/credit-reports', { token: auditor.token })).status, 200);
      assert.deepEqual(code(await post('2026-02', { key: 'k-aud', token: auditor.token })), [403, 'forbidden'], 'auditors read, never run');
      const replay = await post('2026-02', { key: 'feb-3' });
      assert.equal(replay.headers['idempotent-replayed'], 'true');
    });

    it('the CLI writes the same bytes as the download', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'fenqi-cr-'));
      try {
        const out: string[] = [];
        const month = parseReportMonth('2026-02');
        assert.ok(month.ok);
        await reportAndWrite(t.deps, { month: month.value, outDir: dir, format: 'csv' }, { write: (s: string) => out.push(s) } as never);
        assert.match(out.join(''), /^2026-02: 4 accounts; unchanged since version 2 \(2 lines\)/);
        assert.equal(readFileSync(join(dir, 'credit-report-2026-02-corrections-2.csv'), 'utf8'), (await download('2026-02', '?version=2')).body);
        const open = parseReportMonth('2026-03');
        assert.ok(open.ok);
        await assert.rejects(reportAndWrite(t.deps, { month: open.value, outDir: dir, format: 'csv' }, { write: () => true } as never),
          (e: Error) => e instanceof UsageError && e.message.startsWith('credit_report_month_open:'), 'an open month is bad input (exit 2)');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
