import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../../src/adapters/db/connect.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { startTestApp } from '../support/app.ts';
import { checkout, seedTestStore, sessionFor } from '../support/store.ts';

/**
 * Kill the close at random points (SIGKILL, no chance to clean up), run it again, and the
 * books must be exactly those of a run that was never interrupted: the same postings, the
 * same penalties, one close_accruals row per plan, date and step, and a passing ledger check.
 */
const TARGET = '2026-02-16';
const SEEDS = [1, 2, 3];
const ROOT = join(import.meta.dirname, '..', '..');

interface Place { env: Record<string, string>; open(): Promise<DatabaseHandle>; drop(): Promise<void> }

function runEod(place: Place, killAfterMs?: number): Promise<{ code: number | null; ms: number; stderr: string }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'eod', '--date', TARGET, '--partitions', '4', '--page-size', '2', '--workers', '2', '--lease-seconds', '1', '--json'],
      { cwd: ROOT, env: { ...process.env, ...place.env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, ms: Date.now() - started, stderr }); });
  });
}

/** Everything the close writes, in a form two databases can be compared by. */
async function fingerprint(h: DatabaseHandle) {
  const q = async (text: ReturnType<typeof sql>) => (await text.execute(h.db)).rows;
  return {
    accounts: await q(sql`select debit_account, credit_account, count(*)::int as n, sum(amount_fen)::bigint as s from postings group by 1, 2 order by 1, 2`),
    penalties: await q(sql`select p.merchant_order_id, i.number, i.penalty_fen, i.waived_penalty_fen from installments i join plans p on p.id = i.plan_id where i.penalty_fen > 0 order by 1, 2`),
    accruals: await q(sql`select p.merchant_order_id, a.business_date::text as d, a.step, a.interest_fen, a.fee_fen, a.penalty_fen from close_accruals a join plans p on p.id = a.plan_id order by 1, 2, 3`),
    plans: await q(sql`select merchant_order_id, status, days_past_due, delinquency_bucket from plans order by 1`),
    outbox: await q(sql`select count(*)::int as n from close_outbox`),
    open: await q(sql`select value from system_state where key = 'business_date'`),
  };
}

/** A store with plans in every state the close cares about, built through the API. */
async function populate(open: () => Promise<DatabaseHandle>): Promise<void> {
  const t = await startTestApp({ name: 'pglite', open }, {}, '2026-01-05');
  const store = await seedTestStore(t);
  const products = ['ei-12', 'fee-12', 'free-3', 'ep-6', 'free-12'];
  const made = [];
  for (let k = 0; k < 10; k++) made.push(await checkout(t, store, `1370000${String(k).padStart(4, '0')}`, products[k % products.length]!, `${1000 + k * 337}.00`, `crash-${k}`));
  await t.setBusinessDate('2026-02-10');
  for (const plan of made.slice(0, 4)) {
    const token = await sessionFor(t, plan.customerId);
    const r = await t.api('POST', '/v1/me/repayments', { token, key: `pay-${plan.id}`, body: { kind: 'installment', planId: plan.id, installmentNumber: 1, amount: plan.installments[0].total } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  await t.setBusinessDate('2026-02-01');
  await t.close();
}

function pglitePlace(dir: string): Place {
  return { env: { FENQI_DATA_DIR: dir }, open: () => openDatabase({ dataDir: dir }), async drop() { rmSync(dir, { recursive: true, force: true }); } };
}

async function postgresPlace(base: string, template?: string): Promise<Place> {
  const name = `fenqi_crash_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}${template ? ` template ${template}` : ''}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    env: { FENQI_DATABASE_URL: url.toString() }, open: () => openDatabase({ url: url.toString(), poolSize: 4 }),
    async drop() { const c = new pg.Client({ connectionString: base }); await c.connect(); await c.query(`drop database if exists ${name} with (force)`); await c.end(); },
  };
}

const targets: { name: string; make(): Promise<{ fresh(): Promise<Place>; cleanup(): Promise<void> }> }[] = [{
  name: 'pglite',
  async make() {
    const root = mkdtempSync(join(tmpdir(), 'fenqi-crash-'));
    const master = join(root, 'master');
    await populate(() => openDatabase({ dataDir: master }));
    let n = 0;
    return {
      async fresh() { const dir = join(root, `copy-${n++}`); cpSync(master, dir, { recursive: true }); return pglitePlace(dir); },
      async cleanup() { rmSync(root, { recursive: true, force: true }); },
    };
  },
}];
const url = process.env.FENQI_TEST_DATABASE_URL;
if (url) {
  targets.push({
    name: 'postgres',
    async make() {
      const master = await postgresPlace(url);
      await populate(master.open);
      const name = new URL(master.env.FENQI_DATABASE_URL!).pathname.slice(1);
      return { fresh: () => postgresPlace(url, name), cleanup: () => master.drop() };
    },
  });
}

for (const target of targets) {
  describe(`the close killed with SIGKILL on ${target.name}`, { timeout: 600_000 }, () => {
    let source: Awaited<ReturnType<(typeof targets)[number]['make']>>;
    let reference: Awaited<ReturnType<typeof fingerprint>>;
    let referenceMs = 0;
    before(async () => {
      source = await target.make();
      const place = await source.fresh();
      const run = await runEod(place);
      assert.equal(run.code, 0, run.stderr);
      referenceMs = run.ms;
      const h = await place.open();
      reference = await fingerprint(h);
      await h.close();
      await place.drop();
    });
    after(async () => { await source?.cleanup(); });

    let interrupted = 0;
    for (const seed of SEEDS) {
      it(`seed ${seed}: killed, run again, ends exactly where an uninterrupted run ends`, async (t) => {
        const place = await source.fresh();
        // Between 20% and 70% of the uninterrupted run (start-up included): late enough to land in
        // the close's work, early enough that a run faster than the reference (a warmer cache, a
        // quieter machine) is still killed before it finishes.
        const killAt = Math.round(referenceMs * (0.2 + ((seed * 0.6180339887) % 1) * 0.5));
        const killed = await runEod(place, killAt);
        if (killed.code !== 0) {
          interrupted++;
          const h = await place.open();
          const done = await sql<{ n: number; open: string }>`select (select count(*)::int from close_runs where status = 'done') as n,
            (select value #>> '{}' from system_state where key = 'business_date') as open`.execute(h.db);
          await h.close();
          t.diagnostic(`killed after ${killAt} ms: ${done.rows[0]!.n} dates closed, open date ${done.rows[0]!.open}`);
        }
        const resumed = await runEod(place);
        assert.equal(resumed.code, 0, resumed.stderr);
        const h = await place.open();
        try {
          assert.deepEqual(await fingerprint(h), reference);
          const dup = await sql<{ n: number }>`select count(*)::int as n from (select 1 from close_accruals group by customer_id, plan_id, business_date, step having count(*) > 1) x`.execute(h.db);
          assert.equal(dup.rows[0]!.n, 0);
          const report = await checkLedger(h.db);
          assert.ok(report.ok, JSON.stringify(report.failures));
        } finally {
          await h.close();
          await place.drop();
        }
      });
    }
    it('at least one kill landed while the close was running', () => { assert.ok(interrupted >= 1, `interrupted ${interrupted} of ${SEEDS.length}`); });
  });
}
