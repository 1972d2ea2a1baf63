import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { assertNoFullPhone, customerWithPlan, maskedPhone, startServiceWorld, type ServiceWorld } from './support.ts';

/** Who may do what with the service tools, the money limits, and masking in every listing. */
for (const target of testDatabases()) {
  describe(`service: roles, limits and masking on ${target.name}`, () => {
    let w: ServiceWorld;
    let c: Awaited<ReturnType<typeof customerWithPlan>>;
    let other: Awaited<ReturnType<typeof customerWithPlan>>;
    let ticketId: string;
    before(async () => {
      // The agent's limit is configured down to ¥20 here: the default (¥50) is the core test's business.
      w = await startServiceWorld(target, { serviceLimitsFen: { agent: 2_000 } });
      c = await customerWithPlan(w, 'fee-12', '10000.00');
      other = await customerWithPlan(w);
      const r = await w.t.api('POST', '/v1/me/tickets', { token: c.token, body: { category: 'fee_dispute', description: `请回电 ${c.phone}` } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      ticketId = r.body.id;
    });
    after(async () => { await w.t.close(); });

    const api = (method: string, url: string, token: string, body?: unknown, key?: string) => w.t.api(method, url, { token, ...(body !== undefined ? { body } : {}), ...(key ? { key } : {}) });
    const waiver = (amount: string) => ({ planId: c.plan.id, installmentNumber: 1, component: 'fee', amount, reason: 'goodwill for the outage' });
    const actions = () => [
      ['POST', `/v1/service/customers/${c.customerId}/repayment-link`, {}],
      ['POST', `/v1/service/customers/${c.customerId}/waivers`, waiver('1.00')],
      ['POST', `/v1/service/customers/${c.customerId}/refunds`, { amount: '1.00', reason: 'overpaid the bill' }],
      ['POST', `/v1/service/customers/${c.customerId}/cancellation-check`, {}],
      ['POST', `/v1/service/tickets/${ticketId}/actions`, { action: 'start' }],
      ['POST', `/v1/service/tickets/${ticketId}/comments`, { body: 'hello' }],
      ['POST', '/v1/service/tickets', { customerId: c.customerId, category: 'other', description: 'call' }],
    ] as const;

    it('an auditor and an operator can look but not act; every action is refused with 403 and changes nothing', async () => {
      for (const who of [w.auditor, w.operator]) {
        assert.equal((await api('GET', '/v1/service/tickets', who.token)).status, 200);
        assert.equal((await api('GET', `/v1/service/customers/${c.customerId}`, who.token)).status, 200);
        for (const [method, url, body] of actions()) {
          const r = await api(method, url, who.token, body, `k-${who.keyId}-${url}`);
          assert.deepEqual([r.status, r.body.code], [403, 'forbidden'], `${method} ${url}`);
        }
      }
      const waivers = await w.t.deps.db.selectFrom('waivers').select('id').where('customer_id', '=', c.customerId).execute();
      assert.equal(waivers.length, 0);
    });

    it('a customer cannot see another customer\'s ticket, nor use the staff API', async () => {
      const mine = await api('GET', `/v1/me/tickets/${ticketId}`, c.token);
      assert.equal(mine.status, 200);
      const theirs = await api('GET', `/v1/me/tickets/${ticketId}`, other.token);
      assert.deepEqual([theirs.status, theirs.body.code], [404, 'ticket_not_found']);
      assert.equal((await api('POST', `/v1/me/tickets/${ticketId}/comments`, other.token, { body: 'hi' })).status, 404);
      assert.equal((await api('POST', `/v1/me/tickets/${ticketId}/actions`, other.token, { action: 'reopen' })).status, 404);
      assert.deepEqual((await api('GET', '/v1/me/tickets', other.token)).body.items, []);
      assert.equal((await api('GET', '/v1/service/tickets', c.token)).status, 403);
      assert.equal((await api('POST', `/v1/service/customers/${c.customerId}/waivers`, c.token, waiver('1.00'), 'cust')).status, 403);
      const planOfOther = await api('POST', '/v1/me/tickets', c.token, { category: 'other', description: 'about a plan', planId: other.plan.id });
      assert.deepEqual([planOfOther.status, planOfOther.body.code], [404, 'plan_not_found'], "another customer's plan cannot be attached");
    });

    it('an agent cannot exceed the configured limit: above it the request waits; no self-approval, no agent approval', async () => {
      const within = await api('POST', `/v1/service/customers/${c.customerId}/waivers`, w.agent.token, waiver('20.00'), 'lim-1');
      assert.equal(within.body.outcome, 'done', JSON.stringify(within.body));
      const above = await api('POST', `/v1/service/customers/${c.customerId}/waivers`, w.agent.token, waiver('20.01'), 'lim-2');
      assert.equal(above.body.outcome, 'pending_approval', JSON.stringify(above.body));
      const id = above.body.approval.id;
      assert.deepEqual((await api('POST', `/v1/service/approvals/${id}/approve`, w.agent.token, {}, 'a1')).body.code, 'forbidden');
      assert.deepEqual((await api('POST', `/v1/service/approvals/${id}/approve`, w.agent2.token, {}, 'a2')).body.code, 'limit_exceeded');
      assert.deepEqual((await api('POST', `/v1/service/approvals/${id}/approve`, w.auditor.token, {}, 'a3')).status, 403);
      assert.equal((await api('POST', `/v1/service/approvals/${id}/approve`, w.supervisor.token, {}, 'no-key-needed-but-sent')).status, 200);
      const noKey = await api('POST', `/v1/service/customers/${c.customerId}/waivers`, w.agent.token, waiver('1.00'));
      assert.deepEqual([noKey.status, noKey.body.code], [400, 'validation_failed'], 'money actions need an Idempotency-Key');
      const tooMuch = await api('POST', `/v1/service/customers/${c.customerId}/waivers`, w.agent.token, waiver('5000.01'), 'lim-3');
      assert.deepEqual([tooMuch.status, tooMuch.body.code], [422, 'limit_exceeded'], 'above every role: refused outright');
      const impossible = await api('POST', `/v1/service/customers/${c.customerId}/waivers`, w.agent.token, waiver('50.00'), 'lim-4');
      assert.deepEqual([impossible.status, impossible.body.code], [422, 'waiver_invalid'], 'more than the fee left is refused before anyone approves it');
    });

    it('a rejected request moves nothing and needs a note; the requester may withdraw', async () => {
      const req = await api('POST', `/v1/service/customers/${c.customerId}/waivers`, w.agent.token, { ...waiver('30.00'), installmentNumber: 2 }, 'rj-1');
      const id = req.body.approval.id;
      assert.equal((await api('POST', `/v1/service/approvals/${id}/reject`, w.supervisor.token, {})).status, 400);
      const rejected = await api('POST', `/v1/service/approvals/${id}/reject`, w.agent.token, { note: 'asked the wrong installment' });
      assert.deepEqual([rejected.status, rejected.body.status], [200, 'rejected']);
      assert.equal((await api('POST', `/v1/service/approvals/${id}/approve`, w.supervisor.token, {}, 'rj-2')).body.code, 'conflict');
      const inst2 = await w.t.deps.db.selectFrom('installments').select('waived_fee_fen').where('customer_id', '=', c.customerId).where('plan_id', '=', c.plan.id).where('number', '=', 2).executeTakeFirstOrThrow();
      assert.equal(inst2.waived_fee_fen, 0);
      const pending = await api('GET', '/v1/service/approvals?status=rejected', w.auditor.token);
      assert.deepEqual(pending.body.items.map((a: any) => a.id), [id]);
    });

    it('two approvers pressing at the same moment move the money once', async () => {
      const req = await api('POST', `/v1/service/customers/${c.customerId}/waivers`, w.agent.token, { ...waiver('40.00'), installmentNumber: 3 }, 'race-1');
      const id = req.body.approval.id;
      const [a, b] = await Promise.all([
        api('POST', `/v1/service/approvals/${id}/approve`, w.supervisor.token, {}, 'race-sup'),
        api('POST', `/v1/service/approvals/${id}/approve`, w.t.adminToken, {}, 'race-admin'),
      ]);
      assert.deepEqual([a.status, b.status].sort(), [200, 409], JSON.stringify([a.body, b.body]));
      const waived = await w.t.deps.db.selectFrom('waivers').select('amount_fen').where('customer_id', '=', c.customerId).where('installment_number', '=', 3).execute();
      assert.deepEqual(waived.map((x) => x.amount_fen), [4000]);
    });

    it('masks the phone in every listing and response, and audits every look and action', async () => {
      const responses = [
        await api('POST', '/v1/service/customers/search', w.agent.token, { phone: c.phone }),
        await api('POST', '/v1/service/customers/search', w.agent.token, { planId: c.plan.id }),
        await api('GET', `/v1/service/customers/${c.customerId}`, w.agent.token),
        await api('GET', '/v1/service/tickets', w.agent.token),
        await api('GET', `/v1/service/tickets/${ticketId}`, w.agent.token),
        await api('GET', `/v1/me/tickets/${ticketId}`, c.token),
        await api('GET', '/v1/service/approvals', w.agent.token),
      ];
      for (const r of responses) {
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assertNoFullPhone(r.body, c.phone);
      }
      assert.equal(responses[0]!.body.phoneMasked, maskedPhone(c.phone));
      assert.equal(responses[1]!.body.customerId, c.customerId, 'found by plan id');
      assert.ok(responses[4]!.body.description.includes(maskedPhone(c.phone)));
      const nobody = await api('POST', '/v1/service/customers/search', w.agent.token, { phone: '13000000000' });
      assert.deepEqual([nobody.status, nobody.body.code], [404, 'customer_not_found']);
      const audit = await w.t.deps.db.selectFrom('audit_log').select(['action', 'details']).where('actor', 'like', `staff:${w.agent.keyId}%`).execute();
      const actionsSeen = new Set(audit.map((a) => a.action));
      for (const a of ['customer.lookup', 'customer.view', 'charges.waive', 'service.approval_request', 'service.approval_rejected']) assert.ok(actionsSeen.has(a), `audited ${a}`);
      assert.ok(!JSON.stringify(audit).includes(c.phone), 'no full phone in the audit log');
      assert.equal(audit.filter((a) => a.action === 'customer.lookup').length, 3, 'misses are audited too');
    });

    it('keeps SLA timers on the injected clock and filters the queue by breach, status, category and assignee', async () => {
      const fresh = await api('POST', '/v1/me/tickets', other.token, { category: 'cannot_find_entrance', description: '找不到还款入口' });
      const id = fresh.body.id;
      const queue = async (qs: string) => (await api('GET', `/v1/service/tickets?${qs}`, w.supervisor.token)).body.items.map((t: any) => t.id);
      assert.ok((await queue('breached=false')).includes(id));
      assert.ok(!(await queue('breached=true')).includes(id));
      w.t.clock.set(new Date(w.t.clock.now().getTime() + 31 * 60_000));
      assert.ok((await queue('breached=true&category=cannot_find_entrance')).includes(id), 'first response 30 minutes: breached at 31');
      const t1 = (await api('GET', `/v1/service/tickets/${id}`, w.agent.token)).body;
      assert.deepEqual([t1.sla.firstResponseBreached, t1.sla.resolutionBreached], [true, false]);
      assert.ok(!(await queue('category=refund')).includes(id));
      assert.ok((await queue('assignee=none&status=open')).includes(id));
      const taken = await api('POST', `/v1/service/tickets/${id}/assign`, w.agent.token, { assignee: 'me' });
      assert.equal(taken.body.assignee, w.agent.keyId);
      assert.ok(!(await queue('assignee=none')).includes(id));
      const mineNow = (await api('GET', '/v1/service/tickets?assignee=me', w.agent.token)).body.items.map((t: any) => t.id);
      assert.ok(mineNow.includes(id));
      assert.equal((await api('POST', `/v1/service/tickets/${id}/assign`, w.agent.token, { assignee: w.auditor.keyId })).status, 400, 'only to someone who can act');
      const page1 = await api('GET', '/v1/service/tickets?limit=1', w.agent.token);
      const page2 = await api('GET', `/v1/service/tickets?limit=1&cursor=${page1.body.nextCursor}`, w.agent.token);
      assert.notEqual(page1.body.items[0].id, page2.body.items[0].id);
    });
  });
}
