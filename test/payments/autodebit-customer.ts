import assert from 'node:assert/strict';
import type { TestApp } from '../support/app.ts';
import { checkout, sessionFor, type TestStore } from '../support/store.ts';
import { runAutoDebitsOnce } from '../../src/app/payments/autodebit/run-autodebits.ts';
import { addDays } from '../../src/core/calendar/business-date.ts';
import type { GatewayName } from '../../src/core/payments/payment-status.ts';

/**
 * A customer with a fresh 12-period plan who asked for auto-debit through `gateway`, and `at`:
 * run the ladder at a time on a day counted from the first due date (business date moved too).
 * The agreement's externalNo is its id in hex, as the gateways are told.
 */
export async function autoDebitCustomer(t: TestApp, store: TestStore, phone: string, orderRef: string, gateway: GatewayName) {
  await t.setBusinessDate('2026-01-05');
  const plan = await checkout(t, store, phone, 'fee-12', '6000.00', orderRef);
  const token = await sessionFor(t, plan.customerId);
  const r = await t.api('POST', '/v1/me/autodebit', { token, body: { planId: plan.id, gateway } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const at = async (day: number, hhmm: string) => {
    const date = addDays(plan.installments[0].dueDate, day);
    await t.setBusinessDate(date);
    t.clock.set(new Date(`${date}T${hhmm}:00+08:00`));
    return runAutoDebitsOnce(t.deps);
  };
  return { plan, token, body: r.body, externalNo: (r.body.id as string).replace(/-/g, ''), at };
}
