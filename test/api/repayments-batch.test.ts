import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { postRepayment, type PostedRepayment, type PostRepaymentInput } from '../../src/app/servicing/post-repayment.ts';
import { batchStats, RepaymentBatcher, runBatch, STALLED_AFTER_MS, type RepaymentRequest } from '../../src/app/servicing/batch/repayment-batcher.ts';
import { NaturalBatcher } from '../../src/app/servicing/batch/natural-batcher.ts';
import type { Executed } from '../../src/app/execute.ts';
import type { RepaymentTarget } from '../../src/app/servicing/repayment-targets.ts';

const respond = (r: PostedRepayment) => ({ status: 201, body: { id: r.repaymentId, amount: r.amount } });
const NO_SUCH_PLAN = '0192f0c8-5c2a-7000-8000-000000000001';

/**
 * Micro-batching (batch/repayment-batcher.ts): many requests in one transaction must give each
 * request what it would get alone, and leave the database where running them one by one would.
 * runBatch is called directly so the test decides exactly what shares a transaction.
 */
for (const target of testDatabases()) {
  describe(`repayments posted in batches on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    let phone = 13700137000;
    before(async () => { t = await startTestApp(target); store = await seedTestStore(t); });
    after(async () => { await t.close(); });

    const newPlan = async (product = 'fee-12', amount = '6000.00') => checkout(t, store, String(phone++), product, amount, `B-${phone}`);
    const request = (customerId: string, key: string, target: RepaymentTarget, amountFen: number, extra: Partial<PostRepaymentInput> = {}): RepaymentRequest => ({
      actor: { kind: 'customer', id: customerId, ip: '127.0.0.1' },
      idempotency: { scope: `customer:${customerId}`, key, fingerprint: JSON.stringify([target, amountFen, extra.channel ?? 'sandbox']) },
      input: { customerId, target, amount: amountFen, channel: 'sandbox', ...extra },
    });
    const keyRow = (customerId: string, key: string) => t.deps.db.selectFrom('idempotency_keys').selectAll()
      .where('scope', '=', `customer:${customerId}`).where('key', '=', key).executeTakeFirst();
    const count = async (table: 'repayments' | 'audit_log' | 'events' | 'journal_entries', where: (q: any) => any) =>
      Number((await where(t.deps.db.selectFrom(table as 'repayments').select((eb) => eb.fn.countAll<number>().as('n'))).executeTakeFirstOrThrow()).n);
    const ledgerOk = async () => { const r = await checkLedger(t.deps.db); assert.ok(r.ok, JSON.stringify(r.failures)); };
    const valueOf = (e: Executed<PostedRepayment>) => { assert.ok(e.ok && !e.replayed, JSON.stringify(e)); return e.value; };
    const errorOf = (e: Executed<PostedRepayment>) => { assert.ok(!e.ok, JSON.stringify(e)); return e.error.code; };

    it('posts the good requests of a mixed batch and gives the others their errors, leaving no trace of them', async () => {
      const a = await newPlan();
      const b = await newPlan();
      const out = await runBatch(t.deps, [
        request(a.customerId, 'm0', { kind: 'amount', planId: a.id }, 10_000),
        request(a.customerId, 'm1', { kind: 'installment', planId: NO_SUCH_PLAN, installmentNumber: 1 }, 100),
        request(b.customerId, 'm2', { kind: 'bill' }, 1_000, { channel: 'credit_balance' }),
        request(b.customerId, 'm3', { kind: 'amount', planId: b.id }, 5_000),
        request(b.customerId, 'm4', { kind: 'bill' }, 0),
      ], respond);
      const ok0 = valueOf(out[0]!);
      assert.equal(errorOf(out[1]!), 'plan_not_found');
      assert.equal(errorOf(out[2]!), 'credit_balance_insufficient');
      const ok3 = valueOf(out[3]!);
      assert.equal(errorOf(out[4]!), 'amount_invalid');
      // Each success has its key stored with its response, its audit record, its event and its journal entry.
      for (const [customerId, key, posted] of [[a.customerId, 'm0', ok0], [b.customerId, 'm3', ok3]] as const) {
        const row = await keyRow(customerId, key);
        assert.equal(row?.state, 'done');
        assert.deepEqual(row?.response_body, { id: posted.repaymentId, amount: posted.amount });
        assert.equal(await count('audit_log', (q) => q.where('target', '=', `repayment:${posted.repaymentId}`).where('action', '=', 'repayment.post')), 1);
        assert.equal(await count('events', (q) => q.where(({ ref }: any) => ref('payload', '->>').key('data').key('repaymentId' as never), '=', posted.repaymentId)), 1);
        assert.equal(await count('journal_entries', (q) => q.where('reference', '=', posted.repaymentId).where('kind', '=', 'repayment')), 1);
      }
      // The failures left nothing: no key claim (a retry runs afresh), no repayment.
      for (const key of ['m1', 'm2', 'm4']) assert.equal(await keyRow(key === 'm1' ? a.customerId : b.customerId, key), undefined, key);
      assert.equal(await count('repayments', (q) => q.where('customer_id', 'in', [a.customerId, b.customerId])), 2);
      await ledgerOk();
    });

    it('runs a key once within a batch: the same request replays, other parameters get 409, and after a failure the next one runs', async () => {
      const a = await newPlan();
      const same = request(a.customerId, 'dup', { kind: 'amount', planId: a.id }, 1_000);
      const failing = request(a.customerId, 'retry', { kind: 'installment', planId: NO_SUCH_PLAN, installmentNumber: 1 }, 1_000);
      const retried = request(a.customerId, 'retry', { kind: 'amount', planId: a.id }, 2_000);
      const out = await runBatch(t.deps, [
        same, same, request(a.customerId, 'dup', { kind: 'amount', planId: a.id }, 1_001), failing, retried,
      ], respond);
      const first = valueOf(out[0]!);
      assert.ok(out[1]!.ok && out[1]!.replayed);
      assert.deepEqual(out[1]!.ok && out[1]!.replayed && out[1]!.response, { status: 201, body: { id: first.repaymentId, amount: 1_000 } });
      assert.equal(errorOf(out[2]!), 'idempotency_key_reused');
      assert.equal(errorOf(out[3]!), 'plan_not_found');
      const second = valueOf(out[4]!);
      assert.equal(second.amount, 2_000);
      assert.equal(await count('repayments', (q) => q.where('customer_id', '=', a.customerId)), 2);
      // The stored key carries the fingerprint of the request that succeeded; later batches replay from the database.
      assert.equal((await keyRow(a.customerId, 'retry'))?.fingerprint, retried.idempotency!.fingerprint);
      const again = await runBatch(t.deps, [same, retried, failing], respond);
      assert.deepEqual(again[0], { ok: true, replayed: true, response: { status: 201, body: { id: first.repaymentId, amount: 1_000 } } });
      assert.deepEqual(again[1], { ok: true, replayed: true, response: { status: 201, body: { id: second.repaymentId, amount: 2_000 } } });
      assert.equal(errorOf(again[2]!), 'idempotency_key_reused');
      assert.equal(await count('repayments', (q) => q.where('customer_id', '=', a.customerId)), 2);
      await ledgerOk();
    });

    it('ends where a serial run ends when one batch holds many repayments of one customer, through payoff and credit balance', async () => {
      const batched = await newPlan();
      const serial = await newPlan();
      const steps = (plan: { id: string }): [RepaymentTarget, number, 'sandbox' | 'credit_balance'][] => [
        [{ kind: 'installment', planId: plan.id, installmentNumber: 1 }, 53_600, 'sandbox'],
        [{ kind: 'bill' }, 60_000, 'sandbox'], // 64.00 over: credit balance
        [{ kind: 'amount', planId: plan.id }, 6_400, 'credit_balance'],
        [{ kind: 'amount', planId: plan.id }, 12_345, 'sandbox'],
        [{ kind: 'installment', planId: plan.id, installmentNumber: 12 }, 100, 'sandbox'],
        [{ kind: 'amount', planId: plan.id }, 1_000, 'credit_balance'], // refused: no credit balance left
        [{ kind: 'payoff', planId: plan.id }, 1_000, 'sandbox'], // refused: short of the quote
        [{ kind: 'payoff', planId: plan.id }, 500_000, 'sandbox'], // pays off, the rest to credit balance
        [{ kind: 'amount' }, 100, 'sandbox'], // refused: nothing owed any more
        [{ kind: 'installment', planId: plan.id, installmentNumber: 1 }, 100, 'sandbox'], // refused: the plan is closed
      ];
      const out = await runBatch(t.deps, steps(batched).map(([tg, amount, channel], k) => request(batched.customerId, `s${k}`, tg, amount, { channel })), respond);
      const alone = [];
      for (const [tg, amount, channel] of steps(serial)) {
        alone.push(await t.run(async (ctx) => ({ ok: true as const, value: await postRepayment(ctx, { customerId: serial.customerId, target: tg, amount, channel }) })));
      }
      const shape = (r: { ok: boolean; value?: PostedRepayment; error?: { code: string } }, planId: string) => (r.ok
        ? { amount: r.value!.amount, applied: r.value!.applied, toCreditBalance: r.value!.toCreditBalance, charges: r.value!.charges,
          parts: JSON.stringify(r.value!.parts).replaceAll(planId, 'P'), waived: JSON.stringify(r.value!.waived).replaceAll(planId, 'P'), paidOff: r.value!.paidOffPlanIds.length }
        : r.error!.code);
      assert.deepEqual(out.map((e) => shape(e.ok && !e.replayed ? { ok: true, value: e.value } : { ok: false, error: (e as { error: { code: string } }).error }, batched.id)),
        alone.map((r) => shape(r, serial.id)));
      assert.deepEqual(out.map((e) => e.ok).filter(Boolean).length, 6);
      const state = async (customerId: string, planId: string) => ({
        installments: await t.deps.db.selectFrom('installments').select(['number', 'paid_principal_fen', 'paid_fee_fen', 'waived_fee_fen', 'waived_principal_fen', 'settled_on'])
          .where('customer_id', '=', customerId).where('plan_id', '=', planId).orderBy('number').execute(),
        line: await t.deps.db.selectFrom('credit_lines').select(['used_fen', 'credit_balance_fen']).where('customer_id', '=', customerId).executeTakeFirstOrThrow(),
        plan: await t.deps.db.selectFrom('plans').select(['status', 'closed_on']).where('id', '=', planId).executeTakeFirstOrThrow(),
        allocations: await t.deps.db.selectFrom('allocations as a').innerJoin('repayments as r', (j) => j.onRef('r.id', '=', 'a.repayment_id'))
          .select(['a.installment_number', 'a.component', 'a.amount_fen']).where('a.customer_id', '=', customerId).orderBy('r.id').orderBy('a.seq').execute(),
      });
      assert.deepEqual(await state(batched.customerId, batched.id), await state(serial.customerId, serial.id));
      assert.equal((await state(batched.customerId, batched.id)).plan.status, 'paid_off');
      await ledgerOk();
    });

    // On a server two batches are in flight; a third starts only once they have waited STALLED_AFTER_MS (here on locks another transaction holds).
    it('keeps other customers\' repayments moving while the batches in flight wait on customer locks', { skip: target.name !== 'postgres' }, async () => {
      const a = await newPlan();
      const b = await newPlan();
      const c = await newPlan();
      let release!: () => void;
      const held = new Promise<void>((r) => { release = r; });
      let locked!: () => void;
      const isLocked = new Promise<void>((r) => { locked = r; });
      const holder = t.deps.db.transaction().execute(async (tx) => {
        await sql`select 1 from credit_lines where customer_id in (${a.customerId}, ${b.customerId}) order by customer_id for update`.execute(tx);
        locked();
        await held;
      });
      await isLocked;
      const batcher = new RepaymentBatcher(t.deps, { respond });
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
      let waiting = 2;
      // One batch in flight by default: a's batch stalls on its lock, so b's goes alone; c then
      // waits until b's has stalled too, and goes alone (grouped with b it would wait with b).
      const pa = batcher.submit(request(a.customerId, 'lk-a', { kind: 'amount', planId: a.id }, 100)).finally(() => { waiting--; });
      await sleep(STALLED_AFTER_MS + 20);
      const pb = batcher.submit(request(b.customerId, 'lk-b', { kind: 'amount', planId: b.id }, 100)).finally(() => { waiting--; });
      await sleep(5);
      const started = performance.now();
      valueOf(await batcher.submit(request(c.customerId, 'lk-c', { kind: 'amount', planId: c.id }, 100)));
      const waited = performance.now() - started;
      assert.equal(waiting, 2, 'c was posted while a and b still wait on their locks');
      assert.ok(waited >= STALLED_AFTER_MS - 20, `c waited until b's batch had stalled (${waited.toFixed(0)} ms)`);
      release();
      await holder;
      valueOf(await pa);
      valueOf(await pb);
      await ledgerOk();
    });

    it('runs each request of a batch alone when the batch fails in the database, so only the bad one fails', async () => {
      const a = await newPlan();
      const b = await newPlan();
      const batcher = new RepaymentBatcher(t.deps, { respond });
      const fallbacks = batchStats.fallbacks;
      // PostgreSQL refuses a NUL character in text: the batch's one write statement fails.
      const poisoned = request(b.customerId, 'f1', { kind: 'amount', planId: b.id }, 300, { externalRef: 'bad\u0000ref' });
      const settled = await Promise.allSettled([
        batcher.submit(request(a.customerId, 'f0', { kind: 'amount', planId: a.id }, 100)),
        batcher.submit(poisoned),
        batcher.submit(request(b.customerId, 'f2', { kind: 'amount', planId: b.id }, 200)),
      ]);
      assert.equal(batchStats.fallbacks, fallbacks + 1, 'the three went as one batch, which failed and was split');
      assert.equal(settled[0]!.status, 'fulfilled');
      assert.equal(settled[1]!.status, 'rejected');
      assert.equal(settled[2]!.status, 'fulfilled');
      assert.equal(await count('repayments', (q) => q.where('customer_id', 'in', [a.customerId, b.customerId])), 2);
      assert.equal(await keyRow(b.customerId, 'f1'), undefined);
      assert.equal((await keyRow(b.customerId, 'f2'))?.state, 'done');
      await ledgerOk();
    });

    it('answers concurrent HTTP repayments of many customers each as if alone', async () => {
      const plans = await Promise.all([newPlan(), newPlan(), newPlan(), newPlan()]);
      const tokens = await Promise.all(plans.map((p) => sessionFor(t, p.customerId)));
      const before = batchStats.batches;
      const replies = await Promise.all(Array.from({ length: 40 }, (_, k) => {
        const p = k % 4;
        const body = k % 10 === 9 ? { kind: 'installment', planId: plans[p]!.id, installmentNumber: 99, amount: '1.00' } : { kind: 'amount', planId: plans[p]!.id, amount: `${1 + (k % 7)}.00` };
        return t.api('POST', '/v1/me/repayments', { token: tokens[p]!, key: `h${k}`, body });
      }));
      const okReplies = replies.filter((r) => r.status === 201);
      assert.equal(okReplies.length, 36, JSON.stringify(replies.filter((r) => r.status !== 201).map((r) => r.body)));
      for (const r of replies.filter((x) => x.status !== 201)) assert.equal(r.body.code, 'validation_failed');
      assert.ok(batchStats.batches - before < 40, 'requests were grouped');
      const ids = okReplies.map((r) => r.body.id);
      assert.equal(new Set(ids).size, 36);
      assert.equal(await count('audit_log', (q) => q.where('action', '=', 'repayment.post').where('target', 'in', ids.map((id) => `repayment:${id}`))), 36);
      assert.equal(await count('journal_entries', (q) => q.where('kind', '=', 'repayment').where('reference', 'in', ids)), 36);
      // A wrong token is still refused by the shared guard.
      assert.equal((await t.api('POST', '/v1/me/repayments', { token: 'fqs_nope', key: 'x', body: { kind: 'bill', amount: '1.00' } })).status, 401);
      await ledgerOk();
    });
  });
}

describe('natural batching', () => {
  it('groups what arrives together, never runs one key in two groups at once, and splits a failing group', async () => {
    const seen: number[][] = [];
    const running = new Set<string>();
    const batcher = new NaturalBatcher<number, number>(async (items) => {
      const keys = new Set(items.map((i) => String(i % 3)));
      for (const k of keys) assert.ok(!running.has(k), `key ${k} is already in a group in flight`);
      keys.forEach((k) => running.add(k));
      seen.push(items);
      await new Promise((r) => setTimeout(r, 5));
      keys.forEach((k) => running.delete(k));
      if (items.includes(13)) throw new Error('unlucky');
      return items.map((i) => i * 2);
    }, { maxBatch: 4, maxInFlight: 2, exclusiveKey: (i) => String(i % 3) });
    const first = [1, 2, 3, 4, 5, 13, 7, 8].map((i) => batcher.submit(i));
    await new Promise((r) => setImmediate(r));
    const later = [9, 10].map((i) => batcher.submit(i));
    const results = await Promise.allSettled([...first, ...later]);
    assert.deepEqual(results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed')), [2, 4, 6, 8, 10, 'failed', 14, 16, 18, 20]);
    assert.deepEqual(seen[0], [1, 2, 3, 4], 'what arrived together went together, up to maxBatch');
    for (const group of seen) assert.ok(group.length <= 4);
    assert.equal(batcher.counters.fallbacks, 1, 'the group holding 13 failed and its items ran alone');
  });

  it('keeps maxInFlight groups in flight, and starts more only while groups in flight have stalled', async () => {
    const seen: number[][] = [];
    const release: (() => void)[] = [];
    const batcher = new NaturalBatcher<number, number>(async (items) => {
      seen.push(items);
      if (items.includes(1)) await new Promise<void>((r) => release.push(r)); // 1 waits, as on a lock
      return items.map((i) => i * 2);
    }, { maxBatch: 8, maxInFlight: 1, stalled: { afterMs: 40, maxInFlight: 2 } });
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const one = batcher.submit(1);
    await sleep(5);
    const next = [2, 3].map((i) => batcher.submit(i));
    await sleep(10);
    assert.deepEqual(seen, [[1]], 'a group that is not yet stalled keeps the others waiting (and gathering)');
    await sleep(60);
    assert.deepEqual(seen, [[1], [2, 3]], 'once the group in flight has stalled, the next starts');
    assert.deepEqual(await Promise.all(next), [4, 6]);
    const later = batcher.submit(4);
    await sleep(60);
    assert.deepEqual(seen, [[1], [2, 3], [4]], 'the stalled group still holds its slot of the two: the next has one');
    assert.equal(await later, 8);
    release.forEach((r) => r());
    assert.equal(await one, 2);
  });

  it('never has more than stalled.maxInFlight groups in flight', async () => {
    const seen: number[][] = [];
    const release: (() => void)[] = [];
    const batcher = new NaturalBatcher<number, number>(async (items) => {
      seen.push(items);
      await new Promise<void>((r) => release.push(r));
      return items.map((i) => i * 2);
    }, { maxBatch: 1, maxInFlight: 1, stalled: { afterMs: 10, maxInFlight: 2 } });
    const all = [1, 2, 3].map((i) => batcher.submit(i));
    await new Promise((r) => setTimeout(r, 80));
    assert.deepEqual(seen, [[1], [2]], 'two stalled groups fill every slot');
    while (seen.length < 3 || release.length > 0) {
      release.splice(0).forEach((r) => r());
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(await Promise.all(all), [2, 4, 6]);
  });
});
