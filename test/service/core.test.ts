import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CATEGORY_RULES, TICKET_CATEGORIES } from '../../src/core/service/categories.ts';
import { nextStatus, TICKET_ACTIONS, TICKET_STATUSES } from '../../src/core/service/status-flow.ts';
import { slaDue, slaState } from '../../src/core/service/sla.ts';
import { checkApprover, decideAdjustment, DEFAULT_SERVICE_LIMITS } from '../../src/core/service/limits.ts';

describe('service core: categories, status flow, SLA, limits', () => {
  it('has the seven categories with stable codes and Chinese labels', () => {
    assert.deepEqual([...TICKET_CATEGORIES], ['cannot_find_entrance', 'repayment_failed', 'debited_not_recorded', 'fee_dispute', 'refund', 'account_cancellation', 'other']);
    assert.equal(CATEGORY_RULES.cannot_find_entrance.labelZh, '找不到还款入口');
    assert.equal(CATEGORY_RULES.debited_not_recorded.labelZh, '已扣款未入账');
    for (const c of TICKET_CATEGORIES) assert.ok(CATEGORY_RULES[c].firstResponseMinutes < CATEGORY_RULES[c].resolutionMinutes, c);
  });

  it('walks the happy path and refuses every move not in the table', () => {
    let s = nextStatus('open', 'start', 'staff');
    assert.deepEqual(s, { ok: true, value: 'in_progress' });
    assert.equal(nextStatus('in_progress', 'wait_customer', 'staff').ok && 'ok', 'ok');
    assert.deepEqual(nextStatus('waiting_customer', 'customer_replied', 'customer'), { ok: true, value: 'in_progress' });
    assert.deepEqual(nextStatus('in_progress', 'resolve', 'staff'), { ok: true, value: 'resolved' });
    assert.deepEqual(nextStatus('resolved', 'close', 'customer'), { ok: true, value: 'closed' });
    assert.deepEqual(nextStatus('closed', 'reopen', 'customer'), { ok: true, value: 'open' });
    s = nextStatus('closed', 'resolve', 'staff');
    assert.equal(!s.ok && s.error.code, 'ticket_status_invalid');
    s = nextStatus('open', 'resolve', 'customer');
    assert.equal(!s.ok && s.error.code, 'forbidden', 'a customer cannot resolve their own complaint');
    s = nextStatus('open', 'close', 'staff');
    assert.equal(!s.ok && s.error.code, 'ticket_status_invalid', 'close only after resolve');
    // Every (status, action) pair answers: a new status in the table or an error, never a throw.
    let allowed = 0;
    for (const st of TICKET_STATUSES) for (const a of TICKET_ACTIONS) if (nextStatus(st, a, 'staff').ok) allowed++;
    assert.equal(allowed, 1 + 2 + 1 + 3 + 1 + 2);
  });

  it('computes due times from the open time and breaches from the given clock', () => {
    const opened = new Date('2026-01-05T02:00:00Z');
    const due = slaDue('cannot_find_entrance', opened);
    assert.equal(due.firstResponseDueAt.toISOString(), '2026-01-05T02:30:00.000Z');
    assert.equal(due.resolutionDueAt.toISOString(), '2026-01-05T06:00:00.000Z');
    const clock = { ...due, firstResponseAt: null, resolvedAt: null };
    assert.deepEqual(slaState(clock, new Date('2026-01-05T02:29:59Z')), { firstResponseBreached: false, resolutionBreached: false, breached: false });
    assert.deepEqual(slaState(clock, new Date('2026-01-05T02:30:01Z')), { firstResponseBreached: true, resolutionBreached: false, breached: true });
    const answered = { ...clock, firstResponseAt: new Date('2026-01-05T02:10:00Z'), resolvedAt: new Date('2026-01-05T05:00:00Z') };
    assert.equal(slaState(answered, new Date('2026-02-01T00:00:00Z')).breached, false, 'met timers stay met');
    const late = { ...clock, firstResponseAt: new Date('2026-01-05T03:00:00Z') };
    assert.equal(slaState(late, new Date('2026-01-05T03:00:00Z')).firstResponseBreached, true, 'a late answer stays a breach');
  });

  it('lets each role act within its own limit and sends the rest to approval', () => {
    const L = DEFAULT_SERVICE_LIMITS;
    assert.deepEqual(decideAdjustment('agent', 5_000, L), { ok: true, value: { kind: 'allowed' } });
    assert.deepEqual(decideAdjustment('agent', 5_001, L), { ok: true, value: { kind: 'needs_approval', approverRoles: ['admin', 'supervisor'] } });
    assert.deepEqual(decideAdjustment('supervisor', 50_001, L), { ok: true, value: { kind: 'needs_approval', approverRoles: ['admin'] } });
    const over = decideAdjustment('agent', 500_001, L);
    assert.equal(!over.ok && over.error.code, 'limit_exceeded');
    const auditor = decideAdjustment('auditor', 1, L);
    assert.equal(!auditor.ok && auditor.error.code, 'forbidden');
    const own = checkApprover({ requestedBy: 'k1', approverId: 'k1', approverRole: 'supervisor', amount: 6_000 }, L);
    assert.equal(!own.ok && own.error.code, 'forbidden');
    const agentApprover = checkApprover({ requestedBy: 'k1', approverId: 'k2', approverRole: 'agent', amount: 6_000 }, L);
    assert.equal(!agentApprover.ok && agentApprover.error.code, 'limit_exceeded');
    assert.ok(checkApprover({ requestedBy: 'k1', approverId: 'k2', approverRole: 'supervisor', amount: 6_000 }, L).ok);
  });
});
