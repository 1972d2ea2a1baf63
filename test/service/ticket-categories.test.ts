import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';
import { dispatchNotices } from '../../src/app/notices/dispatch-notices.ts';
import { DEFAULT_FAULTS } from '../../src/adapters/gateways/sandbox/faults.ts';
import { cashierPath, sandbox } from '../payments/support.ts';
import { assertNoFullPhone, customerWithPlan, maskedPhone, startServiceWorld, type ServiceWorld } from './support.ts';

/** An agent resolves each ticket category through the API, played out end to end. */
for (const target of testDatabases()) {
  describe(`service: every ticket category resolved through the API on ${target.name}`, () => {
    let w: ServiceWorld;
    before(async () => { w = await startServiceWorld(target); });
    after(async () => { await sandbox(w.t).drain(); await w.t.close(); });
    beforeEach(() => { sandbox(w.t).faults = { ...DEFAULT_FAULTS, notifyDelayMs: 0 }; });

    const api = (method: string, url: string, token: string, body?: unknown, key?: string) => w.t.api(method, url, { token, ...(body !== undefined ? { body } : {}), ...(key ? { key } : {}) });
    const openAsCustomer = async (token: string, category: string, description: string) => {
      const r = await api('POST', '/v1/me/tickets', token, { category, description });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body;
    };
    const resolve = async (ticketId: string, note: string) => {
      const r = await api('POST', `/v1/service/tickets/${ticketId}/actions`, w.agent.token, { action: 'resolve', note });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.status, 'resolved');
      return r.body;
    };
    const historyActions = async (ticketId: string) => {
      const r = await api('GET', `/v1/service/tickets/${ticketId}`, w.agent.token);
      assert.equal(r.status, 200);
      return r.body.history.filter((e: any) => e.kind === 'action').map((e: any) => e.detail.action);
    };
    const startPayment = async (token: string, planId: string, key: string) => {
      const r = await api('POST', '/v1/me/payments', token, { kind: 'installment', planId, installmentNumber: 1, amount: '536.00', gateway: 'sandbox' }, key);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body;
    };
    const ledgerOk = async () => assert.ok((await checkLedger(w.t.deps.db)).ok, 'ledger balanced');

    it('cannot_find_entrance (找不到还款入口): agent finds the customer by phone, sees where to pay, sends a fresh link by SMS', async () => {
      const c = await customerWithPlan(w);
      const ticket = await openAsCustomer(c.token, 'cannot_find_entrance', `原来的还款入口关了，我的手机号 ${c.phone}`);
      assert.equal(ticket.categoryLabel, '找不到还款入口');
      assert.deepEqual(ticket.planIds, [c.plan.id], 'the open plan is attached');
      assert.ok(ticket.description.includes(maskedPhone(c.phone)), 'a phone typed into a ticket is stored masked');

      const found = await api('POST', '/v1/service/customers/search', w.agent.token, { phone: c.phone });
      assert.equal(found.status, 200, JSON.stringify(found.body));
      assert.equal(found.body.customerId, c.customerId);
      assert.equal(found.body.phoneMasked, maskedPhone(c.phone));
      assertNoFullPhone(found.body, c.phone);

      const picture = await api('GET', `/v1/service/customers/${c.customerId}`, w.agent.token);
      assert.equal(picture.status, 200, JSON.stringify(picture.body));
      assert.equal(picture.body.currentBill.bill.dueDate, '2026-02-10');
      assert.equal(picture.body.whereToPay.length, 1);
      assert.equal(picture.body.tickets[0].id, ticket.id);
      assertNoFullPhone(picture.body, c.phone);

      const sent = await api('POST', `/v1/service/customers/${c.customerId}/repayment-link`, w.agent.token, { ticketId: ticket.id });
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
      assert.deepEqual(sent.body, { dueDate: '2026-02-10', queued: true });
      const again = await api('POST', `/v1/service/customers/${c.customerId}/repayment-link`, w.agent.token, { ticketId: ticket.id });
      assert.deepEqual(again.body, { dueDate: '2026-02-10', queued: false }, 'one link per bill per day: no second SMS');
      await dispatchNotices(w.t.deps);
      const links = await w.t.deps.db.selectFrom('notices').select(['kind', 'status', 'sent_channel', 'due_date']).where('customer_id', '=', c.customerId).where('kind', '=', 'repayment_link').execute();
      assert.deepEqual(links, [{ kind: 'repayment_link', status: 'sent', sent_channel: 'sms', due_date: '2026-02-10' }], 'exactly one SMS with the link, to the phone on the account');

      await resolve(ticket.id, '已短信发送新的还款链接');
      assert.deepEqual(await historyActions(ticket.id), ['repayment_link_sent', 'repayment_link_sent']);
      const mine = await api('GET', `/v1/me/tickets/${ticket.id}`, c.token);
      assert.equal(mine.body.status, 'resolved');
      assert.equal(mine.body.assignee, undefined, 'staff key ids are not shown to the customer');
      assert.ok(mine.body.history.every((e: any) => ['customer', 'staff'].includes(e.by)));
      const closed = await api('POST', `/v1/me/tickets/${ticket.id}/actions`, c.token, { action: 'close' });
      assert.equal(closed.body.status, 'closed');
    });

    it('repayment_failed (还款失败): trace shows the decline, a new link, the customer pays, resolved', async () => {
      const c = await customerWithPlan(w);
      const pay = await startPayment(c.token, c.plan.id, 'fail-1');
      await sandbox(w.t).decline(cashierPath(pay.pay.url).outTradeNo);
      const ticket = await openAsCustomer(c.token, 'repayment_failed', '付款时提示失败');
      assert.deepEqual(ticket.paymentIds, [pay.id], 'the failed attempt is attached');

      const traced = await api('POST', `/v1/service/customers/${c.customerId}/payments/${pay.id}/trace`, w.agent.token, { ticketId: ticket.id });
      assert.equal(traced.status, 200, JSON.stringify(traced.body));
      assert.equal(traced.body.outcome, 'failed');
      assert.equal(traced.body.payment.status, 'failed');
      assert.equal((await api('POST', `/v1/service/customers/${c.customerId}/repayment-link`, w.agent.token, { ticketId: ticket.id })).body.queued, true);

      const retry = await startPayment(c.token, c.plan.id, 'fail-2');
      const { outTradeNo } = cashierPath(retry.pay.url);
      assert.equal(await sandbox(w.t).pay(outTradeNo), 'paid');
      await sandbox(w.t).drain();
      const after = await api('GET', `/v1/me/payments/${retry.id}`, c.token);
      assert.equal(after.body.status, 'paid');
      await resolve(ticket.id, '付款被银行拒绝；已发新链接，客户已重新还款');
      assert.deepEqual(await historyActions(ticket.id), ['payment_traced', 'repayment_link_sent']);
      await ledgerOk();
    });

    it('debited_not_recorded (已扣款未入账): the notification was lost, the trace posts the payment once', async () => {
      const c = await customerWithPlan(w);
      sandbox(w.t).faults = { ...DEFAULT_FAULTS, lostCallback: true, notifyDelayMs: 0 };
      const pay = await startPayment(c.token, c.plan.id, 'lost-1');
      assert.equal(await sandbox(w.t).pay(cashierPath(pay.pay.url).outTradeNo), 'paid');
      await sandbox(w.t).drain();
      assert.equal((await api('GET', `/v1/me/payments/${pay.id}`, c.token)).body.status, 'processing', 'money taken, nothing posted');

      const ticket = await openAsCustomer(c.token, 'debited_not_recorded', '银行卡已经扣了536元，账单还是未还');
      assert.deepEqual(ticket.paymentIds, [pay.id]);
      const picture = await api('GET', `/v1/service/customers/${c.customerId}`, w.agent.token);
      assert.deepEqual(picture.body.paymentsInFlight.map((p: any) => p.id), [pay.id]);

      const traced = await api('POST', `/v1/service/customers/${c.customerId}/payments/${pay.id}/trace`, w.agent.token, { ticketId: ticket.id });
      assert.equal(traced.status, 200, JSON.stringify(traced.body));
      assert.equal(traced.body.outcome, 'settled');
      assert.equal(traced.body.payment.status, 'succeeded');
      assert.ok(traced.body.payment.repaymentId);
      const twice = await api('POST', `/v1/service/customers/${c.customerId}/payments/${pay.id}/trace`, w.agent.token, { ticketId: ticket.id });
      assert.equal(twice.body.outcome, 'not_in_flight');
      const repayments = await w.t.deps.db.selectFrom('repayments').select('id').where('customer_id', '=', c.customerId).execute();
      assert.equal(repayments.length, 1, 'posted exactly once');
      const bill = await api('GET', '/v1/me/bills/2026-02-10', c.token);
      assert.equal(bill.body.outstanding, '0.00', 'the bill the customer paid shows paid');
      await resolve(ticket.id, '网关已确认支付，已入账');
      await ledgerOk();
    });

    it('fee_dispute: a waiver within the agent limit posts at once; above it waits for a supervisor, then moves once', async () => {
      const c = await customerWithPlan(w, 'fee-12', '10000.00');
      const ticket = await openAsCustomer(c.token, 'fee_dispute', '手续费收得不对');
      const waive = (token: string, installmentNumber: number, amount: string, key: string) => api('POST', `/v1/service/customers/${c.customerId}/waivers`, token,
        { planId: c.plan.id, installmentNumber, component: 'fee', amount, reason: 'fee charged while the entrance was closed', ticketId: ticket.id }, key);

      const small = await waive(w.agent.token, 1, '30.00', 'fee-w1');
      assert.equal(small.status, 200, JSON.stringify(small.body));
      assert.equal(small.body.outcome, 'done');
      assert.equal(small.body.result.amount, '30.00');

      const big = await waive(w.agent.token, 2, '60.00', 'fee-w2');
      assert.equal(big.status, 200, JSON.stringify(big.body));
      assert.equal(big.body.outcome, 'pending_approval');
      assert.deepEqual(big.body.approverRoles, ['admin', 'supervisor']);
      const approvalId = big.body.approval.id;
      const waivedFee = async (n: number) => (await w.t.deps.db.selectFrom('installments').select('waived_fee_fen')
        .where('customer_id', '=', c.customerId).where('plan_id', '=', c.plan.id).where('number', '=', n).executeTakeFirstOrThrow()).waived_fee_fen;
      assert.equal(await waivedFee(2), 0, 'nothing moves before approval');

      const self = await api('POST', `/v1/service/approvals/${approvalId}/approve`, w.agent.token, {}, 'ap-self');
      assert.deepEqual([self.status, self.body.code], [403, 'forbidden']);
      const peer = await api('POST', `/v1/service/approvals/${approvalId}/approve`, w.agent2.token, {}, 'ap-peer');
      assert.deepEqual([peer.status, peer.body.code], [422, 'limit_exceeded']);
      const ok = await api('POST', `/v1/service/approvals/${approvalId}/approve`, w.supervisor.token, { note: 'confirmed' }, 'ap-sup');
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body.status, 'approved');
      assert.equal(ok.body.result.kind, 'waive');
      const replay = await api('POST', `/v1/service/approvals/${approvalId}/approve`, w.supervisor.token, { note: 'confirmed' }, 'ap-sup');
      assert.equal(replay.headers['idempotent-replayed'], 'true');
      const second = await api('POST', `/v1/service/approvals/${approvalId}/approve`, w.supervisor.token, {}, 'ap-sup-2');
      assert.deepEqual([second.status, second.body.code], [409, 'conflict']);
      assert.equal(await waivedFee(1), 3000);
      assert.equal(await waivedFee(2), 6000, 'waived once, at approval');
      const waivers = await w.t.deps.db.selectFrom('waivers').select('amount_fen').where('customer_id', '=', c.customerId).execute();
      assert.deepEqual(waivers.map((x) => x.amount_fen).sort(), [3000, 6000]);
      await resolve(ticket.id, '已减免两期手续费');
      assert.deepEqual(await historyActions(ticket.id), ['waive_done', 'approval_requested', 'approval_approved']);
      await ledgerOk();
    });

    it('refund: an overpayment held as credit balance is refunded by the agent', async () => {
      const c = await customerWithPlan(w);
      const over = await api('POST', '/v1/me/repayments', c.token, { kind: 'bill', amount: '556.00' }, 'over-1');
      assert.equal(over.status, 201, JSON.stringify(over.body));
      assert.equal(over.body.toCreditBalance, '20.00');
      const ticket = await openAsCustomer(c.token, 'refund', '多还了20元，请退回');
      const tooMuch = await api('POST', `/v1/service/customers/${c.customerId}/refunds`, w.agent.token, { amount: '25.00', channel: 'sandbox', reason: 'overpaid the bill', ticketId: ticket.id }, 'rf-0');
      assert.deepEqual([tooMuch.status, tooMuch.body.code], [422, 'credit_balance_insufficient']);
      const r = await api('POST', `/v1/service/customers/${c.customerId}/refunds`, w.agent.token, { amount: '20.00', channel: 'sandbox', reason: 'overpaid the bill', ticketId: ticket.id }, 'rf-1');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual([r.body.outcome, r.body.result.kind, r.body.result.amount, r.body.result.status], ['done', 'refund', '20.00', 'succeeded']);
      const line = await w.t.deps.db.selectFrom('credit_lines').select('credit_balance_fen').where('customer_id', '=', c.customerId).executeTakeFirstOrThrow();
      assert.equal(line.credit_balance_fen, 0);
      await resolve(ticket.id, '溢缴款20元已退回');
      await ledgerOk();
    });

    it('account_cancellation (注销): explains what is owed, then confirms it can be cancelled once paid off', async () => {
      const c = await customerWithPlan(w, 'free-3', '300.00');
      const ticket = await openAsCustomer(c.token, 'account_cancellation', '我要注销账户');
      const check = async () => {
        const r = await api('POST', `/v1/service/customers/${c.customerId}/cancellation-check`, w.agent.token, { ticketId: ticket.id });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        return r.body;
      };
      const owed = await check();
      assert.deepEqual([owed.cancellable, owed.owed, owed.plans.length], [false, '300.00', 1]);
      assert.match(owed.howToCancel, /300\.00/);
      const payoff = await api('POST', '/v1/me/repayments', c.token, { kind: 'payoff', planId: c.plan.id, amount: '300.00' }, 'po-1');
      assert.equal(payoff.status, 201, JSON.stringify(payoff.body));
      const clear = await check();
      assert.deepEqual([clear.cancellable, clear.owed, clear.creditBalance], [true, '0.00', '0.00']);
      await resolve(ticket.id, '已结清，客户可在 App 内自行注销');
      assert.deepEqual(await historyActions(ticket.id), ['cancellation_explained', 'cancellation_explained']);
    });

    it('other: opened by an agent on the phone, waits for the customer, the reply hands it back, resolved, reopened, closed', async () => {
      const c = await customerWithPlan(w);
      const opened = await api('POST', '/v1/service/tickets', w.agent.token, { customerId: c.customerId, category: 'other', description: '客户来电咨询合同' });
      assert.equal(opened.status, 201, JSON.stringify(opened.body));
      assert.deepEqual([opened.body.source, opened.body.assignee, opened.body.status], ['agent', w.agent.keyId, 'open']);
      const id = opened.body.id;
      const move = (token: string, action: string, note?: string, path = 'service') => api('POST', `/v1/${path}/tickets/${id}/actions`, token, { action, ...(note ? { note } : {}) });
      assert.equal((await move(w.agent.token, 'wait_customer', '请提供订单号')).body.status, 'waiting_customer');
      const reply = await api('POST', `/v1/me/tickets/${id}/comments`, c.token, { body: '订单号 SVC-1' });
      assert.deepEqual([reply.status, reply.body.status], [201, 'in_progress']);
      assert.deepEqual([(await move(w.agent.token, 'resolve')).status], [400], 'a resolution needs a note');
      await resolve(id, '已说明合同条款');
      assert.equal((await move(c.token, 'reopen', '还有疑问', 'me')).body.status, 'open');
      await resolve(id, '再次说明');
      assert.equal((await move(c.token, 'close', undefined, 'me')).body.status, 'closed');
      const detail = await api('GET', `/v1/service/tickets/${id}`, w.agent.token);
      assert.deepEqual(detail.body.history.map((e: any) => e.toStatus ?? e.kind), ['open', 'waiting_customer', 'comment', 'in_progress', 'resolved', 'open', 'resolved', 'closed']);
    });
  });
}
