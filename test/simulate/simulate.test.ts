import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { checkInvariants } from '../../src/app/simulate/invariants.ts';
import { customerScript, installmentChoice, PERSONA_MIX } from '../../src/core/simulate/behaviour.ts';
import { parseSimulateArgs, runSimulate } from '../../src/adapters/cli/simulate.ts';
import { UsageError } from '../../src/adapters/cli/usage-error.ts';
import { Collect, simulateInProcess, type SimRun } from './support.ts';

const json = async (argv: string[]) => {
  const out = new Collect(), err = new Collect();
  const code = await runSimulate(argv, out, err);
  return { code, text: out.text, stderr: err.text };
};

describe('simulator behaviour model (pure)', () => {
  it('is a function of (seed, customer): the same script whatever else was drawn before', () => {
    const a = customerScript(42, 17, 365);
    customerScript(42, 3, 365);
    assert.deepEqual(customerScript(42, 17, 365), a);
    assert.notDeepEqual(customerScript(43, 17, 365), a, 'another seed, another customer');
    assert.deepEqual(installmentChoice(42, a, 1, 2, 12), installmentChoice(42, a, 1, 2, 12));
  });

  it('gives roughly the configured persona mix over many customers', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) { const p = customerScript(9, i, 365).persona; counts.set(p, (counts.get(p) ?? 0) + 1); }
    for (const [persona, share] of PERSONA_MIX) assert.ok(Math.abs((counts.get(persona) ?? 0) / 20_000 - share) < 0.015, `${persona}: ${counts.get(persona)}`);
  });
});

describe('fenqi simulate on PGlite', () => {
  let run: SimRun;
  before(async () => { run = await simulateInProcess({ customers: 16, months: 2, seed: 11 }); });
  after(async () => { await run.handle.close(); });

  it('drives the real use cases and reports every invariant as holding', () => {
    const r = run.report;
    assert.ok(r.ok, JSON.stringify(r.invariants.filter((i) => !i.ok)));
    assert.equal(r.invariants.length, 7);
    for (const i of r.invariants) assert.ok(i.ok && i.checked > 0, `${i.name} checked ${i.checked}`);
    assert.ok(r.plans.created >= 16, 'every customer bought at least once');
    assert.ok(r.repayments.count > 0 && r.collected.principalFen > 0, 'repayments went through the sandbox gateway');
    assert.equal(r.collected.totalFen, r.collected.principalFen + r.collected.interestFen + r.collected.feeFen + r.collected.penaltyFen);
    assert.equal(r.closes.days, 59);
    assert.deepEqual(r.delinquency.map((m) => m.month), ['2026-01', '2026-02']);
    assert.ok((r.notices.sentByKind.due_in_3_days ?? 0) > 0, 'reminders were sent');
    assert.deepEqual(r.settlements.map((s) => [s.partner, s.daysSettled, s.daysReconciled]), [['bank-a', 59, 59], ['bank-b', 59, 59]]);
  });

  it('detects a stray posting and a notice delivered twice', async () => {
    const { deps, capture } = run;
    // Postings are append-only (a trigger refuses updates), so the corruption is a stray posting
    // added to an existing entry: a receivable moved without its installment being touched.
    const row = await deps.db.selectFrom('postings').selectAll().where('debit_account', '=', 'receivable.principal')
      .orderBy('entry_id').orderBy('seq').limit(1).executeTakeFirstOrThrow();
    await deps.db.insertInto('postings').values({ ...row, seq: 999, amount_fen: 1 }).execute();
    const sent = await deps.db.selectFrom('notice_deliveries').selectAll().where('status', '=', 'sent').where('channel', '<>', 'inbox').limit(1).executeTakeFirstOrThrow();
    await deps.db.insertInto('notice_deliveries').values({ ...sent, id: deps.ids.next() }).execute();
    const inputs = { capture, customersByPersona: new Map(), closedDates: 59 };
    const checked = new Map((await checkInvariants(deps.db, inputs)).map((i) => [i.name, i]));
    const subLedger = checked.get('each plan\'s sub-ledger = schedule − allocations − waivers')!;
    assert.equal(subLedger.ok, false);
    assert.match(subLedger.failures.join('\n'), /receivable\.principal: ledger \d+ ≠ schedule \d+/);
    assert.equal(checked.get('no notice sent twice')!.ok, false);
    assert.equal(checked.get('ledger balanced (debits = credits, no empty entry)')!.ok, true, 'a posting is one debit and one credit: the trial balance alone cannot see this');
  });
});

describe('fenqi simulate (CLI)', () => {
  it('gives a byte-identical JSON report for the same seed, however many customers act at once, and another for another seed', async () => {
    const argv = ['--customers', '10', '--months', '2', '--seed', '5', '--json'];
    const a = await json(argv);
    // One customer at a time: the order the database sees the day's work in changes, the story must not.
    const b = await json([...argv, '--concurrency', '1']);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.text, b.text);
    assert.equal(a.text.trim().split('\n').length, 1, 'one JSON object on stdout');
    assert.equal(JSON.parse(a.text).parameters.seed, 5);
    const c = await json(['--customers', '10', '--months', '2', '--seed', '6', '--json']);
    assert.notEqual(c.text, a.text);
  });

  it('migrates the book to the second partner mid-run: settlements reconcile and on-time payers stay current', async () => {
    const r = await json(['--customers', '14', '--months', '2', '--seed', '3', '--migrate-partners-at', '2026-02-07', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.text);
    assert.ok(report.ok, JSON.stringify(report.invariants));
    const m = report.migration;
    assert.equal(m.date, '2026-02-07');
    assert.ok(m.plansMoved > 0 && m.customers > 0 && m.principalFen > 0);
    assert.equal(m.entranceClosed, 'store-installments');
    assert.equal(m.transferNotices, m.customers, 'one notice per affected customer');
    assert.ok(m.installmentsProtected > 0, 'due dates in the week of the move are protected');
    const [a, b] = report.settlements;
    assert.deepEqual([a.daysReconciled, b.daysReconciled], [a.daysSettled, b.daysSettled]);
    assert.ok(b.collected.principalFen > 0, 'collections after the move settle to the second partner');
    const onTime = report.invariants.find((i: { name: string }) => i.name === 'customers who paid on time are never overdue');
    assert.ok(onTime.ok && onTime.checked > 0);
  });

  it('refuses bad flags with one line on stderr and exit 2', () => {
    const cases = [
      ['--months', '2'], ['--customers', '0', '--months', '2'], ['--customers', '5', '--months', 'x'], ['--customers', '5', '--months', '2', '--seed', '4294967296'],
      ['--customers', '5', '--months', '2', '--migrate-partners-at', '2030-01-01'], ['--customers', '5', '--months', '2', '--migrate-partners-at', '2026-02-30'],
      ['--customers', '5', '--months', '2', '--db-url', 'mysql://x'], ['--customers', '5', '--months', '2', 'extra'],
    ];
    for (const args of cases) assert.throws(() => parseSimulateArgs(args), UsageError, args.join(' '));
    for (const args of [['--customers', '5', '--months', '2', '--bogus'], ['--customers', 'many', '--months', '2']]) {
      const r = spawnSync(process.execPath, ['bin/fenqi.js', 'simulate', ...args], { encoding: 'utf8' });
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^fenqi: /);
      assert.equal(r.stdout, '');
    }
  });
});
