import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { noticeDedupKey } from '../../src/core/notices/dedup.ts';
import { scrubProviderText } from '../../src/core/notices/scrub.ts';
import { afterFailure, DEFAULT_NOTICE_RULES, parseNoticeRules } from '../../src/core/notices/rules.ts';

describe('dedup keys', () => {
  it('a bill notice is keyed on the bill, not the plan', () => {
    const a = noticeDedupKey({ kind: 'due_tomorrow', businessDate: '2026-02-09', dueDate: '2026-02-10', planId: 'p1', installmentNumber: 1 });
    const b = noticeDedupKey({ kind: 'due_tomorrow', businessDate: '2026-02-09', dueDate: '2026-02-10', planId: 'p2', installmentNumber: 4 });
    assert.deepEqual(a, { ok: true, value: 'due_tomorrow:bill:2026-02-10:2026-02-09' });
    assert.deepEqual(a, b);
  });
  it('plan and event kinds', () => {
    assert.deepEqual(noticeDedupKey({ kind: 'plan_paid_off', businessDate: '2026-05-10', planId: 'p1' }), { ok: true, value: 'plan_paid_off:plan:p1:-:2026-05-10' });
    assert.deepEqual(noticeDedupKey({ kind: 'payment_received', businessDate: '2026-05-10', ref: 'r-1' }), { ok: true, value: 'payment_received:ref:r-1' });
    assert.equal(noticeDedupKey({ kind: 'payment_received', businessDate: '2026-05-10' }).ok, false);
    assert.equal(noticeDedupKey({ kind: 'due_today', businessDate: '2026-05-10' }).ok, false);
    assert.equal(noticeDedupKey({ kind: 'due_today', businessDate: '2026-5-10', dueDate: '2026-05-10' }).ok, false);
  });
});

describe('notice rules', () => {
  it('applies per-kind overrides to the defaults', () => {
    const r = parseNoticeRules({ due_today: { channels: ['email'] }, bill_ready: { enabled: false } });
    assert.ok(r.ok);
    assert.deepEqual(r.value.due_today, { ...DEFAULT_NOTICE_RULES.due_today, channels: ['email'] });
    assert.equal(r.value.bill_ready.enabled, false);
    assert.deepEqual(r.value.overdue_3, DEFAULT_NOTICE_RULES.overdue_3);
  });
  it('refuses typos, bad channels and reminders without a link', () => {
    assert.match((parseNoticeRules({ due_tomorow: {} }) as any).error.message, /unknown notice kind "due_tomorow"/);
    assert.match((parseNoticeRules({ due_today: { chanels: [] } }) as any).error.message, /unknown field "chanels"/);
    assert.match((parseNoticeRules({ due_today: { channels: ['fax'] } }) as any).error.message, /channels must be/);
    assert.match((parseNoticeRules({ due_today: { channels: ['sms', 'sms'] } }) as any).error.message, /distinct/);
    assert.match((parseNoticeRules({ overdue_7: { linkValidDays: null } }) as any).error.message, /always carries a repayment link/);
    assert.equal(parseNoticeRules({ credit_line_changed: { linkValidDays: null } }).ok, true);
    assert.match((parseNoticeRules({ plan_paid_off: { channels: [], inbox: false } }) as any).error.message, /needs a channel/);
  });
  it('retries with backoff, then falls back, then gives up', () => {
    const policy = { backoffMs: [60_000, 300_000] };
    const now = new Date('2026-02-07T02:00:00Z');
    assert.deepEqual(afterFailure(policy, 1, false, true, now), { action: 'retry', at: new Date('2026-02-07T02:01:00Z') });
    assert.deepEqual(afterFailure(policy, 2, false, true, now), { action: 'retry', at: new Date('2026-02-07T02:05:00Z') });
    assert.deepEqual(afterFailure(policy, 3, false, true, now), { action: 'fallback' });
    assert.deepEqual(afterFailure(policy, 1, true, true, now), { action: 'fallback' });
    assert.deepEqual(afterFailure(policy, 3, false, false, now), { action: 'give_up' });
  });
});

describe('provider answers in delivery records', () => {
  it('mask phone numbers and email addresses', () => {
    assert.equal(scrubProviderText('550 5.1.1 <li.hua@example.com>: Recipient address rejected'), '550 5.1.1 <l***@example.com>: Recipient address rejected');
    assert.equal(scrubProviderText('InvalidParameterValue: +8613800138000 incorrect'), 'InvalidParameterValue: +86138****8000 incorrect');
    assert.equal(scrubProviderText('PhoneNumbers=8613800138000,13900139000'), 'PhoneNumbers=86138****8000,139****9000');
  });
});
