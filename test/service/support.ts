import { createApiKey, type ApiKeyRole } from '../../src/app/admin/create-api-key.ts';
import type { Config } from '../../src/config.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import type { TestDatabase } from '../support/db.ts';
import { checkout, seedTestStore, sessionFor, type TestStore } from '../support/store.ts';

export interface StaffKey { token: string; keyId: string }
export interface ServiceWorld {
  t: TestApp; store: TestStore;
  agent: StaffKey; agent2: StaffKey; supervisor: StaffKey; auditor: StaffKey; operator: StaffKey;
}

export async function staffKey(t: TestApp, role: ApiKeyRole, name: string): Promise<StaffKey> {
  const k = await t.run((ctx) => createApiKey(ctx, { role, name }));
  return { token: k.token, keyId: k.keyId };
}

/** A test app with a store and one key per staff role (two agents, for four-eyes tests). */
export async function startServiceWorld(target: TestDatabase, config: Partial<Config> = {}): Promise<ServiceWorld> {
  const t = await startTestApp(target, config);
  const store = await seedTestStore(t);
  return {
    t, store,
    agent: await staffKey(t, 'agent', 'agent 1'), agent2: await staffKey(t, 'agent', 'agent 2'), supervisor: await staffKey(t, 'supervisor', 'supervisor'),
    auditor: await staffKey(t, 'auditor', 'auditor'), operator: await staffKey(t, 'operator', 'operator'),
  };
}

let n = 0;
/** A fresh customer with one plan and a session. */
export async function customerWithPlan(w: ServiceWorld, product = 'fee-12', amount = '6000.00') {
  const phone = `1371${String(process.pid % 1000).padStart(3, '0')}${String(++n).padStart(4, '0')}`;
  const plan = await checkout(w.t, w.store, phone, product, amount, `SVC-${process.pid}-${n}`);
  return { phone, plan, customerId: plan.customerId as string, token: await sessionFor(w.t, plan.customerId) };
}

/** Fails the test if a full phone number appears anywhere in a response body. */
export function assertNoFullPhone(body: unknown, phone: string): void {
  const text = JSON.stringify(body);
  if (text.includes(phone)) throw new Error(`full phone ${phone} found in ${text.slice(0, 300)}`);
}

export const maskedPhone = (phone: string) => `${phone.slice(0, 3)}****${phone.slice(-4)}`;
