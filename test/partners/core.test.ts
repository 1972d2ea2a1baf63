import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { percentToBp, splitByShares, validateLenders } from '../../src/core/partners/shares.ts';
import { routeFunding, type PartnerForRouting } from '../../src/core/partners/routing.ts';
import { netDue, settlementCsv, settlementEntry, SETTLEMENT_CSV_HEADER, totalsOf } from '../../src/core/partners/settlement.ts';
import { netByAccount } from '../../src/core/ledger/journal.ts';
import { resolveFor, successorFor } from '../../src/core/entrances/resolve.ts';
import type { EntranceTimeline } from '../../src/core/entrances/entrance.ts';
import { dayBounds, dayOutage, DEFAULT_PROTECTION_SETTINGS, extendedDueDate, movedEntrance, uncoveredMs, windowCovers } from '../../src/core/entrances/protection.ts';

describe('partner shares', () => {
  it('parses percentages to basis points and refuses bad ones', () => {
    assert.deepEqual(percentToBp('33.33'), { ok: true, value: 3333 });
    assert.deepEqual(percentToBp('60'), { ok: true, value: 6000 });
    for (const bad of ['0', '100.01', '1.234', '-5', 'x']) assert.equal(percentToBp(bad).ok, false, bad);
    assert.equal(validateLenders([{ partnerId: 'a', shareBp: 6000 }, { partnerId: 'b', shareBp: 3000 }]).ok, false);
    assert.equal(validateLenders([{ partnerId: 'a', shareBp: 5000 }, { partnerId: 'a', shareBp: 5000 }]).ok, false);
  });

  it('splits to the fen, the last lender absorbing the residue, and a negative amount like its positive', () => {
    assert.deepEqual(splitByShares(100, [3333, 3333, 3334]), [33, 33, 34]);
    assert.deepEqual(splitByShares(-101, [6000, 4000]), [-60, -41]);
    fc.assert(fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 1, max: 9999 }), (amount, bp) => {
      const parts = splitByShares(amount, [bp, 10000 - bp]);
      assert.equal(parts[0]! + parts[1]!, amount);
      assert.deepEqual(splitByShares(-amount, [bp, 10000 - bp]), parts.map((p) => (p === 0 ? 0 : -p)));
    }));
  });
});

const partner = (id: string, over: Partial<PartnerForRouting> = {}): PartnerForRouting => ({
  id, code: id, status: 'active', priority: 10, productIds: ['p1'], merchantIds: [], lenders: [{ partnerId: id, shareBp: 10000 }], quotaFen: 1_000_000, quotaUsedFen: 0, ...over,
});

describe('checkout routing', () => {
  const input = { productId: 'p1', merchantId: 'm1', financedFen: 600_000 };
  it('takes the highest-priority partner in scope with quota and says why', () => {
    const r = routeFunding([partner('b', { priority: 5, quotaUsedFen: 500_000 }), partner('a', { priority: 20 }), partner('c', { priority: 1, merchantIds: ['m2'] })], input);
    assert.ok(r.ok);
    assert.equal(r.routing.leadPartnerId, 'a');
    assert.deepEqual(r.routing.considered.map((c) => [c.code, c.verdict]), [['c', 'merchant_not_served'], ['b', 'quota_short'], ['a', 'chosen']]);
  });
  it('splits a co-lent plan and needs quota from every lender', () => {
    const lead = partner('a', { lenders: [{ partnerId: 'a', shareBp: 7000 }, { partnerId: 'b', shareBp: 3000 }] });
    const ok = routeFunding([lead, partner('b', { productIds: [] })], input);
    assert.ok(ok.ok);
    assert.deepEqual(ok.routing.lenders.map((l) => l.amountFen), [420_000, 180_000]);
    const short = routeFunding([lead, partner('b', { productIds: [], quotaUsedFen: 900_000 })], input);
    assert.equal(short.ok, false);
  });
  it('lets the platform fund a product no partner funds, and declines when partners exist but are full', () => {
    const none = routeFunding([partner('a', { productIds: ['other'] })], input);
    assert.ok(none.ok);
    assert.deepEqual(none.routing.lenders, []);
    assert.equal(routeFunding([partner('a', { quotaUsedFen: 999_999 })], input).ok, false);
  });
});

describe('settlement figures', () => {
  const line = { planId: 'x', principalFunded: 600_000, merchantSubsidy: 12_000, returnedPrincipal: 0, collected: { principal: 50_000, interest: 3_000, fee: 0, penalty: 100 } };
  it('nets collections against merchant payouts and posts a balanced entry', () => {
    assert.equal(netDue(line), 53_100 - 588_000);
    const net = netByAccount(settlementEntry('P', '2026-01-05', line).postings);
    assert.equal(net.get('partner.funding'), 50_000 - 12_000);
    assert.equal(net.get('cash.bank'), -53_100);
    assert.equal([...net.values()].reduce((s, v) => s + v, 0), 0);
    const csv = settlementCsv('bank-a', '2026-01-05', [line], totalsOf([line])).split('\n');
    assert.equal(csv[0], SETTLEMENT_CSV_HEADER);
    assert.equal(csv[1], 'bank-a,2026-01-05,x,6000.00,120.00,500.00,30.00,0.00,1.00,0.00,-5349.00');
    assert.match(csv[2]!, /^bank-a,2026-01-05,TOTAL,/);
  });
});

const at = (date: string, time: string) => Date.parse(`${date}T${time}:00+08:00`);
const entrance = (code: string, over: Partial<EntranceTimeline> = {}): EntranceTimeline => ({
  code, kind: 'store_app', name: code, url: `https://${code}.test/pay`, priority: 10, serves: { partnerIds: [], productIds: [], merchantIds: [] },
  successorCode: null, changes: [{ status: 'open', at: at('2026-01-01', '00:00') }], maintenance: [], ...over,
});
const plan = { partnerIds: ['A'], productId: 'p1', merchantId: 'm1' };

describe('entrance resolution and outage protection', () => {
  it('sends the customer past a closed or maintained usual entrance to the best working one', () => {
    const store = entrance('store', { priority: 1, changes: [{ status: 'open', at: at('2026-01-01', '00:00') }, { status: 'closed', at: at('2026-02-07', '09:00') }] });
    const bankB = entrance('bank-b', { priority: 5, serves: { partnerIds: ['B'], productIds: [], merchantIds: [] }, maintenance: [{ from: at('2026-02-07', '12:00'), to: at('2026-02-07', '13:00') }] });
    const portal = entrance('fenqi', { kind: 'fenqi_portal', priority: 100 });
    const all = [store, bankB, portal];
    assert.equal(resolveFor(all, plan, at('2026-02-06', '10:00')).entrance!.code, 'store');
    const moved = resolveFor(all, plan, at('2026-02-07', '10:00'));
    assert.equal(moved.entrance!.code, 'fenqi');
    assert.equal(moved.rerouted, true);
    assert.equal(resolveFor(all, { ...plan, partnerIds: ['B'] }, at('2026-02-07', '10:00')).entrance!.code, 'bank-b');
    assert.equal(resolveFor(all, { ...plan, partnerIds: ['B'] }, at('2026-02-07', '12:30')).entrance!.code, 'fenqi');
    assert.equal(successorFor(all, 'store', at('2026-02-07', '10:00'))!.code, 'fenqi');
    assert.equal(successorFor([{ ...store, successorCode: 'bank-b' }, bankB, portal], 'store', at('2026-02-07', '10:00'))!.code, 'bank-b');
  });

  it('measures a day\'s uncovered time from status history and maintenance', () => {
    const a = entrance('a', { changes: [{ status: 'open', at: at('2026-01-01', '00:00') }, { status: 'closed', at: at('2026-03-01', '10:00') }, { status: 'degraded', at: at('2026-03-01', '13:00') }] });
    const b = entrance('b', { maintenance: [{ from: at('2026-03-01', '09:00'), to: at('2026-03-01', '12:00') }] });
    const { from, to } = dayBounds('2026-03-01');
    assert.equal(uncoveredMs([a, b], from, to), 2 * 3_600_000);
    assert.deepEqual(dayOutage([a, b], plan, '2026-03-01', DEFAULT_PROTECTION_SETTINGS), { outage: false, uncoveredMinutes: 120 });
    assert.deepEqual(dayOutage([a], plan, '2026-03-01', DEFAULT_PROTECTION_SETTINGS), { outage: true, uncoveredMinutes: 180 });
    const autoDebitOnly = [entrance('ad', { kind: 'auto_debit' })];
    assert.equal(dayOutage(autoDebitOnly, plan, '2026-03-01', DEFAULT_PROTECTION_SETTINGS).outage, true, 'auto-debit is not a place a customer can pay');
  });

  it('protects due dates whose payment days meet the window, and extends them past it', () => {
    const w = { from: '2026-02-07', to: '2026-02-14' };
    assert.equal(windowCovers('2026-02-10', 3, w), true);
    assert.equal(windowCovers('2026-02-03', 3, w), false);
    assert.equal(windowCovers('2026-02-04', 3, w), true);
    assert.equal(windowCovers('2026-02-15', 3, w), false);
    assert.equal(extendedDueDate('2026-02-10', w, DEFAULT_PROTECTION_SETTINGS), '2026-02-21');
  });

  it('sees an entrance move when the partner changes or the usual entrance closes, not when it stays', () => {
    const bankA = entrance('bank-a', { priority: 5, serves: { partnerIds: ['A'], productIds: [], merchantIds: [] } });
    const bankB = entrance('bank-b', { priority: 5, serves: { partnerIds: ['B'], productIds: [], merchantIds: [] } });
    const portal = entrance('fenqi', { kind: 'fenqi_portal', priority: 100 });
    assert.equal(movedEntrance([bankA, bankB, portal], plan, { ...plan, partnerIds: ['B'] }, '2026-02-07')!.code, 'bank-a');
    assert.equal(movedEntrance([bankA, bankB, portal], plan, plan, '2026-02-07'), null);
    const store = entrance('store', { priority: 1 });
    assert.equal(movedEntrance([store, bankA, bankB, portal], plan, { ...plan, partnerIds: ['B'] }, '2026-02-07'), null, 'the store app still takes the payment');
  });
});
