import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore } from '../support/store.ts';
import { earnIncomePage, incomeCursor, type IncomePage } from '../../src/app/close/earn-income-step.ts';
import type { Tx } from '../../src/adapters/db/tx.ts';

/**
 * The income step's pages are whole bucket ranges (earn-income-step.ts): walked from the start
 * with any page size they see every installment due on the date exactly once, each page holds
 * at least the page size unless it is the last, and a page run again earns and queues nothing.
 * The overdue notice of a protected installment is left out, and only when one is protected.
 */
class Rollback extends Error {}
async function rolledBack<T>(t: TestApp, work: (tx: Tx) => Promise<T>): Promise<T> {
  let out: T | undefined;
  await t.deps.db.transaction().execute(async (tx) => { out = await work(tx); throw new Rollback(); })
    .catch((e) => { if (!(e instanceof Rollback)) throw e; });
  return out!;
}

/** Every page of buckets 0..1023, from the start (or `after`), with this page size. */
async function walk(tx: Tx, date: string, limit: number, after: number | null = null): Promise<IncomePage[]> {
  const pages: IncomePage[] = [];
  let cursor = after;
  for (;;) {
    const page = await earnIncomePage(tx, { date: date as any, from: 0, to: 1023, after: cursor, limit, at: new Date('2026-02-10T16:00:00Z') });
    pages.push(page);
    if (page.next === null) return pages;
    assert.ok(cursor === null || page.next > cursor, 'the cursor moves forward');
    cursor = page.next;
  }
}

const sum = (pages: IncomePage[], k: 'installmentsDue' | 'incomePlans' | 'queued' | 'interestEarnedFen' | 'feeEarnedFen') =>
  pages.reduce((s, p) => s + Number(p.counts[k] ?? 0), 0);

it('an income cursor: a bucket, or the bucket of an earlier keyset cursor, or none', () => {
  assert.equal(incomeCursor(17), 17);
  assert.equal(incomeCursor(0), 0);
  assert.equal(incomeCursor([412, '00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-000000000002', 3]), 412);
  assert.equal(incomeCursor(null), null);
  assert.equal(incomeCursor(undefined), null);
});

for (const target of testDatabases()) {
  describe(`income pages by bucket range on ${target.name}`, () => {
    let t: TestApp;
    let due: string;
    let dueCount: number;
    before(async () => {
      t = await startTestApp(target);
      const store = await seedTestStore(t);
      // Nine customers, twelve plans: some customers with two plans, a mix of interest, fee and interest-free.
      const products = ['ei-12', 'fee-12', 'ei-12', 'fee-12'];
      for (let k = 0; k < 12; k++) {
        await checkout(t, store, `1370000${String(k % 9).padStart(4, '0')}`, products[k % products.length]!, '6000.00', `pages-${k}`);
      }
      const first = await t.deps.db.selectFrom('installments').select('due_date').where('number', '=', 1).executeTakeFirstOrThrow();
      due = first.due_date as unknown as string;
      const n = await sql<{ n: number }>`select count(*)::int as n from installments where due_date = ${due}::date`.execute(t.deps.db);
      dueCount = n.rows[0]!.n;
      assert.ok(dueCount >= 12, `installments due ${due}: ${dueCount}`);
    });
    after(async () => { await t.close(); });

    it('any page size sees every installment due once and earns the same as one page', async () => {
      const whole = await rolledBack(t, (tx) => walk(tx, due, 10_000));
      assert.equal(whole.length, 1);
      assert.equal(sum(whole, 'installmentsDue'), dueCount);
      assert.ok(sum(whole, 'incomePlans') > 0 && sum(whole, 'interestEarnedFen') > 0 && sum(whole, 'feeEarnedFen') > 0);
      assert.equal(sum(whole, 'queued'), 2 * dueCount, 'auto_debit and overdue_1 for each unpaid installment');
      for (const limit of [1, 2, 5]) {
        const pages = await rolledBack(t, (tx) => walk(tx, due, limit));
        for (const k of ['installmentsDue', 'incomePlans', 'queued', 'interestEarnedFen', 'feeEarnedFen'] as const) {
          assert.equal(sum(pages, k), sum(whole, k), `page size ${limit}: ${k}`);
        }
        pages.slice(0, -1).forEach((p, i) => assert.ok(Number(p.counts.installmentsDue) >= limit, `page ${i} of size ${limit} holds at least ${limit}`));
        assert.ok(pages.length > 1, `page size ${limit}: more than one page`);
      }
    });

    it('a page run again, or a walk resumed from an earlier cursor, earns and queues nothing more', async () => {
      await rolledBack(t, async (tx) => {
        const first = await walk(tx, due, 3);
        assert.equal(sum(first, 'installmentsDue'), dueCount);
        const again = await walk(tx, due, 3);
        assert.equal(sum(again, 'incomePlans'), 0);
        assert.equal(sum(again, 'queued'), 0);
        const resumed = await walk(tx, due, 3, first[0]!.next);
        assert.equal(sum(resumed, 'incomePlans') + sum(resumed, 'queued'), 0);
        const postings = await sql<{ n: number }>`select count(*)::int as n from postings where business_date = ${due}::date and credit_account like 'income.%'`.execute(tx);
        assert.equal(postings.rows[0]!.n, sum(first, 'incomePlans'), 'one posting per earning plan (interest or fee), once');
      });
    });

    it('leaves out the overdue notice of a protected installment, and only its', async () => {
      const plan = await t.deps.db.selectFrom('installments').select(['customer_id', 'plan_id']).where('due_date', '=', due as any).where('number', '=', 1).executeTakeFirstOrThrow();
      await rolledBack(t, async (tx) => {
        await sql`insert into plan_protections (customer_id, plan_id, installment_number, cause_kind, cause_ref, due_date, window_from, window_to, extended_due_date, detail, created_at, updated_at)
          values (${plan.customer_id}::uuid, ${plan.plan_id}::uuid, 1, 'incident', 'test', ${due}::date, ${due}::date, ${due}::date, ${due}::date + 2, '{}'::jsonb, now(), now())`.execute(tx);
        const pages = await walk(tx, due, 4);
        assert.equal(sum(pages, 'queued'), 2 * dueCount - 1);
        const kinds = await tx.selectFrom('close_outbox').select('kind').where('plan_id', '=', plan.plan_id).where('business_date', '=', due as any).orderBy('kind').execute();
        assert.deepEqual(kinds.map((k) => k.kind), ['auto_debit']);
        const others = await sql<{ n: number }>`select count(*)::int as n from close_outbox where kind = 'overdue_1' and business_date = ${due}::date`.execute(tx);
        assert.equal(others.rows[0]!.n, dueCount - 1);
      });
    });
  });
}
