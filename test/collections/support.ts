import assert from 'node:assert/strict';
import { createApiKey } from '../../src/app/admin/create-api-key.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { createEntrance } from '../../src/app/entrances/manage-entrances.ts';
import type { TestApp } from '../support/app.ts';

export interface Staff { id: string; token: string }

/** A staff api key; agents are the api keys with role 'agent'. */
export async function staffKey(t: TestApp, role: 'agent' | 'supervisor' | 'auditor' | 'operator', name: string): Promise<Staff> {
  const k = await t.run((ctx) => createApiKey(ctx, { role, name }));
  return { id: k.keyId, token: k.token };
}

export async function ledgerOk(t: TestApp): Promise<void> {
  const r = await checkLedger(t.deps.db);
  assert.ok(r.ok, JSON.stringify(r.failures));
}

/** Wall-clock instant for a Shanghai local time on a date ("2026-02-21", "20:59"). */
export const shanghai = (date: string, hhmm: string): Date => new Date(`${date}T${hhmm}:00+08:00`);

export async function queue(t: TestApp, token: string, query = ''): Promise<any[]> {
  const r = await t.api('GET', `/v1/collections/queue${query}`, { token });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.items;
}

/**
 * An open repayment entrance serving every plan, so the close's outage protection (no
 * entrance open: no late charge, no overdue status) does not hold these plans current.
 */
export async function openEntrance(t: TestApp): Promise<void> {
  await t.run((ctx) => createEntrance(ctx, {
    code: 'collections-test-portal', kind: 'fenqi_portal', name: 'Fenqi', url: 'https://fenqi.test/pay', status: 'open', priority: 1,
    serves: { partnerIds: [], productIds: [], merchantIds: [] },
  }));
}
