import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { seedTestStore, type TestStore } from '../support/store.ts';
import { addPartner } from '../partners/support.ts';
import { execute } from '../../src/app/execute.ts';
import { createPlan, type CreatePlanInput } from '../../src/app/checkout/create-plan.ts';
import { createPlans } from '../../src/app/checkout/create-plans.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import type { Actor } from '../../src/app/context.ts';
import type { RiskDecider } from '../../src/app/ports.ts';

/**
 * createPlans (one transaction for a list of orders) against createPlan one order at a time,
 * on two fresh stores set up alike: the same list must leave the same plans, installments,
 * credit lines, journal, events and webhook deliveries, audit records, partner funding and
 * quota, customers, and give each order the same result or error. Ids differ between the two
 * stores, so every id is replaced by what it names (a customer by phone, a plan by its order).
 */

const PHONE = (n: number) => `1380000000${n}`;
/** The risk port declines one amount, so a decline by the port is in the list. */
const RISKY_FEN = 777_700;
const risk: RiskDecider = {
  async decide(input) {
    return input.financedFen === RISKY_FEN
      ? { approve: false, reasons: ['test model: amount on the watch list'], source: 'test-model' }
      : { approve: true, reasons: [`test model: ${input.availableFen} fen available`], source: 'test-model' };
  },
};

/** [phone, product code ('none': a product the merchant does not offer), yuan, order id] and what one-by-one gives it. */
const LIST: [number, string, number, string, string][] = [
  [1, 'fee-12', 6000, 'O1', 'ok: bank-a'],
  [1, 'fee-12', 5000, 'O2', 'ok: the same customer again, bank-a short, so bank-b'],
  [2, 'free-12', 25000, 'O3', 'credit_line_insufficient: a new customer, not kept'],
  [3, 'free-12', 15000, 'O4', 'ok'],
  [3, 'free-12', 6000, 'O5', 'credit_line_insufficient: the second of two on a short line'],
  [4, 'fee-12', 3000, 'O1', 'merchant_order_exists: O1 taken earlier in the list'],
  [5, 'none', 1000, 'O6', 'product_not_offered'],
  [6, 'fee-12', 7777, 'O7', 'origination_declined by the risk port'],
  [2, 'free-12', 1000, 'O9', 'ok: customer 2 created now'],
  [0, 'fee-12', 9000, 'O10', 'ok: a customer from before the list, bank-b'],
  [0, 'free-12', 100, 'PRE-1', 'merchant_order_exists: taken before the list'],
  [7, 'fee-12', 2000, 'O12', 'ok: bank-a'],
  [7, 'fee-12', 5000, 'O13', 'origination_declined: no partner has quota left'],
  [8, 'fee-12', 2000, 'O7', 'ok: O7 free again, its checkout was declined; the last of bank-a'],
];

interface Side { t: TestApp; store: TestStore; merchant: Actor }

async function setUp(target: Parameters<typeof startTestApp>[0]): Promise<Side> {
  const t = await startTestApp(target);
  Object.assign(t.deps, { risk });
  const store = await seedTestStore(t, 'https://merchant.example/hooks');
  await addPartner(t, { code: 'bank-a', name: '甲银行', priority: 1, quota: '10000.00', productIds: [store.products['fee-12']] });
  await addPartner(t, { code: 'bank-b', name: '乙银行', priority: 2, quota: '15000.00', productIds: [store.products['fee-12']] });
  const merchant: Actor = { kind: 'merchant', id: store.merchantId };
  const pre = await execute(t.deps, merchant, (ctx) => createPlan(ctx, inputOf(store, [0, 'free-12', 1000, 'PRE-1', ''])));
  assert.ok(pre.ok);
  return { t, store, merchant };
}

function inputOf(store: TestStore, [phone, product, yuan, order]: (typeof LIST)[number]): CreatePlanInput {
  return {
    merchantId: store.merchantId, merchantOrderId: order, phone: PHONE(phone), amount: yuan * 100, downPayment: 0, description: `order ${order}`,
    productId: product === 'none' ? '00000000-0000-7000-8000-000000000000' : store.products[product]!,
  };
}

/** Everything checkout writes, with each id replaced by what it names, in a stable order. */
async function snapshot(side: Side, results: unknown[]): Promise<unknown> {
  const db = side.t.deps.db;
  const names = new Map<string, string>([[side.store.merchantId, 'merchant']]);
  for (const [code, id] of Object.entries(side.store.products)) names.set(id, `product:${code}`);
  for (const p of await db.selectFrom('partners').select(['id', 'code']).execute()) names.set(p.id, `partner:${p.code}`);
  for (const c of await db.selectFrom('customers').select(['id', 'phone']).execute()) names.set(c.id, `customer:${c.phone}`);
  for (const p of await db.selectFrom('plans').select(['id', 'merchant_order_id']).execute()) names.set(p.id, `plan:${p.merchant_order_id}`);
  const entries = await db.selectFrom('journal_entries').selectAll().orderBy('reference').execute();
  for (const e of entries) names.set(e.id, `entry:${names.get(e.reference) ?? e.reference}`);
  const events = await db.selectFrom('events').selectAll().execute();
  for (const e of events) names.set(e.id, `event:${names.get((e.payload as { data: { planId: string } }).data.planId)}`);
  const audits = await db.selectFrom('audit_log').selectAll().where('action', '=', 'plan.create').execute();
  for (const a of audits) names.set(a.id, `audit:${names.get(a.target!.slice('plan:'.length))}`);
  const deliveries = await db.selectFrom('webhook_deliveries').selectAll().execute();
  for (const d of deliveries) names.set(d.id, `delivery:${names.get(d.event_id)}`);
  const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
  const named = (v: unknown) => JSON.parse(JSON.stringify(v).replace(uuid, (id) => names.get(id) ?? `unnamed:${id}`));
  const sorted = (rows: unknown[]) => named(rows).map((r: unknown) => JSON.stringify(r)).sort();
  const table = async (name: 'plans' | 'installments' | 'credit_lines' | 'postings' | 'plan_funding' | 'merchant_orders' | 'customers' | 'customer_phones' | 'partners') =>
    sorted(await db.selectFrom(name).selectAll().execute());
  return {
    results: named(results),
    plans: await table('plans'), installments: await table('installments'), creditLines: await table('credit_lines'),
    customers: await table('customers'), phones: await table('customer_phones'), orders: await table('merchant_orders'),
    entries: sorted(entries), postings: await table('postings'), events: sorted(events), deliveries: sorted(deliveries), audits: sorted(audits),
    funding: await table('plan_funding'), partners: await table('partners'),
  };
}

for (const target of testDatabases()) {
  describe(`checkout of a list (createPlans) on ${target.name}`, () => {
    let single: Side, batch: Side;
    before(async () => { [single, batch] = [await setUp(target), await setUp(target)]; });
    after(async () => { await single.t.close(); await batch.t.close(); });

    it('gives each order, and the books, exactly what createPlan one order at a time gives', async () => {
      const oneByOne: unknown[] = [];
      for (const row of LIST) {
        const r = await execute(single.t.deps, single.merchant, (ctx) => createPlan(ctx, inputOf(single.store, row)));
        oneByOne.push(r.ok && !r.replayed ? { ok: true, value: r.value } : r);
      }
      const together = await createPlans(batch.t.deps, LIST.map((row) => ({ actor: batch.merchant, input: inputOf(batch.store, row) })));

      // The list does what it says it does (so the comparison below compares something).
      const outcome = (r: any) => (r.ok ? 'ok' : r.error.code);
      assert.deepEqual(oneByOne.map(outcome), LIST.map(([, , , , what]) => what.split(/[: ]/)[0]));
      assert.match((oneByOne[7] as any).error.message, /declined by test-model/);
      assert.match((oneByOne[12] as any).error.message, /no funding available/);
      const created = (r: any) => r.ok && r.value.customerCreated;
      assert.deepEqual(oneByOne.map(created), [true, false, false, true, false, false, false, false, true, false, false, true, false, true]);

      const [a, b] = [await snapshot(single, oneByOne), await snapshot(batch, together)];
      assert.deepEqual(b, a);
      for (const side of [single, batch]) {
        const ledger = await checkLedger(side.t.deps.db);
        assert.ok(ledger.ok, JSON.stringify(ledger));
      }
    });

    it('keeps each order id to one plan and a partner within its quota when lists race (the loser decides again on fresh reads)', async () => {
      const { t, store, merchant } = batch;
      await addPartner(t, { code: 'bank-c', name: '丙银行', priority: 1, quota: '5000.00', productIds: [store.products['ep-6']] });
      // Known customers (one small platform-funded plan each), so the lists take no phone claim that would queue one behind the other.
      const phones = Array.from({ length: 10 }, (_, i) => 20 + i);
      await createPlans(t.deps, phones.map((n) => ({ actor: merchant, input: inputOf(store, [n, 'free-3', 300, `K-${n}`, '']) })));
      // Two lists with the same order ids for different customers, and 10 × ¥1,000 against ¥5,000 of quota.
      const list = (from: number) => phones.slice(from, from + 5).map((n, i) => ({ actor: merchant, input: inputOf(store, [n, 'ep-6', 1000, `R-${i}`, '']) }));
      const extra = phones.slice(0, 5).map((n, i) => ({ actor: merchant, input: inputOf(store, [n, 'ep-6', 1000, `S-${i}`, '']) }));
      const [a, b, c] = await Promise.all([createPlans(t.deps, list(0)), createPlans(t.deps, list(5)), createPlans(t.deps, extra)]);
      const all = [...a, ...b, ...c];
      const won = all.filter((r) => r.ok).length;
      assert.equal(won, 5, JSON.stringify(all.map((r) => (r.ok ? 'ok' : r.error.code))));
      const codes = new Set(all.flatMap((r) => (r.ok ? [] : [r.error.code])));
      for (const code of codes) assert.ok(['merchant_order_exists', 'origination_declined'].includes(code), code);
      const plans = await t.deps.db.selectFrom('plans').select(['merchant_order_id']).where('product_id', '=', store.products['ep-6']!).execute();
      assert.equal(plans.length, 5);
      assert.equal(new Set(plans.map((p) => p.merchant_order_id)).size, 5, 'one plan per order id');
      const orders = await t.deps.db.selectFrom('merchant_orders').select('merchant_order_id').where('merchant_order_id', 'like', 'R-%').execute();
      assert.ok(orders.length <= 5);
      const bankC = await t.deps.db.selectFrom('partners').select(['quota_used_fen', 'quota_fen']).where('code', '=', 'bank-c').executeTakeFirstOrThrow();
      assert.equal(bankC.quota_used_fen, 500_000);
      const funded = await t.deps.db.selectFrom('plan_funding').innerJoin('partners', 'partners.id', 'plan_funding.partner_id').select('plan_funding.plan_id').where('partners.code', '=', 'bank-c').execute();
      assert.equal(funded.length, 5);
      const ledger = await checkLedger(t.deps.db);
      assert.ok(ledger.ok, JSON.stringify(ledger));
    });
  });
}
