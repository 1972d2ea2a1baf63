import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { enqueueNotices, type NoticeRequest } from '../../src/app/notices/enqueue-notice.ts';
import { dispatchNotices, startNoticeDispatcher } from '../../src/app/notices/dispatch-notices.ts';
import { dueDateOfOutboxItem, intakeCloseOutbox } from '../../src/app/notices/close-outbox-intake.ts';
import { deriveLinkKey, verifyLink } from '../../src/core/links/repayment-link.ts';
import { parseNoticeRules } from '../../src/core/notices/rules.ts';
import { captureEmail, captureSms, installNotices, PUBLIC_URL, shanghai, tokenIn } from './notice-support.ts';

/**
 * Customers bought on 2026-01-05 (statement day 1, due day 10): A has a fee-12 plan on
 * 6000.00 (536.00 a month) and a free-3 plan on 3000.00 (1000.00 a month), so A's bill due
 * 2026-02-10 is 1536.00; B, C and D each have the fee-12 plan only (536.00).
 */
for (const target of testDatabases()) {
  describe(`notices: enqueue, dispatch, retries and fallback on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    const sms = captureSms();
    const email = captureEmail();
    const customers: Record<'A' | 'B' | 'C' | 'D', { id: string; plans: string[] }> = {} as never;
    const enqueue = (requests: NoticeRequest[]) => t.run((ctx) => enqueueNotices(ctx.deps, ctx.tx, ctx.at, requests));
    const dispatch = () => dispatchNotices(t.deps);
    const notice = (customerId: string, kind: string) => t.deps.db.selectFrom('notices').selectAll().where('customer_id', '=', customerId).where('kind', '=', kind).executeTakeFirstOrThrow();
    const deliveries = (noticeId: string) => t.deps.db.selectFrom('notice_deliveries').select(['channel', 'provider', 'status', 'permanent', 'error'])
      .where('notice_id', '=', noticeId).orderBy('id').execute();
    const reminder = (who: keyof typeof customers, kind: NoticeRequest['kind'], businessDate = '2026-02-07'): NoticeRequest =>
      ({ kind, customerId: customers[who].id, businessDate, dueDate: '2026-02-10', planId: customers[who].plans[0]!, installmentNumber: 1 });

    before(async () => {
      t = await startTestApp(target);
      installNotices(t.deps, { sms, email }, { retry: { backoffMs: [60_000, 300_000] } });
      store = await seedTestStore(t);
      const phones = { A: '13800138000', B: '13800138001', C: '13800138002', D: '13800138003' } as const;
      for (const [who, phone] of Object.entries(phones) as [keyof typeof phones, string][]) {
        const fee = await checkout(t, store, phone, 'fee-12', '6000.00', `${who}-1`);
        customers[who] = { id: fee.customerId, plans: [fee.id] };
      }
      customers.A.plans.push((await checkout(t, store, phones.A, 'free-3', '3000.00', 'A-2')).id);
      await t.setBusinessDate('2026-02-07'); // 10:00 in Shanghai
    });
    after(async () => { await t.close(); });

    it('stores a notice once: two plans on one bill, and the same request again', async () => {
      const fromFee = reminder('A', 'due_in_3_days');
      const fromFree = { ...fromFee, planId: customers.A.plans[1]!, installmentNumber: 1 };
      assert.deepEqual(await enqueue([fromFee, fromFree]), { enqueued: 1, duplicates: 1, disabled: 0 });
      assert.deepEqual(await enqueue([fromFee]), { enqueued: 0, duplicates: 1, disabled: 0 });
      const rows = await t.deps.db.selectFrom('notices').select(['kind', 'dedup_key', 'status', 'channels']).where('customer_id', '=', customers.A.id).execute();
      assert.deepEqual(rows, [{ kind: 'due_in_3_days', dedup_key: 'due_in_3_days:bill:2026-02-10:2026-02-07', status: 'pending', channels: ['sms', 'email'] }]);
    });

    it('refuses an event without its facts, and drops kinds the rules disable', async () => {
      await assert.rejects(enqueue([{ kind: 'payment_received', customerId: customers.A.id, businessDate: '2026-02-07', ref: 'r1' }]), /needs facts.amountFen and facts.paidOn/);
      const services = installNotices(t.deps, { sms, email }, { retry: { backoffMs: [60_000, 300_000] }, rules: (parseNoticeRules({ bill_ready: { enabled: false } }) as any).value });
      assert.equal(services.settings.rules.bill_ready.enabled, false);
      assert.deepEqual(await enqueue([reminder('A', 'bill_ready')]), { enqueued: 0, duplicates: 0, disabled: 1 });
      installNotices(t.deps, { sms, email }, { retry: { backoffMs: [60_000, 300_000] } });
    });

    it('sends the reminder by SMS with the bill total and a signed link, and puts a copy in the inbox', async () => {
      const report = await dispatch();
      assert.deepEqual(report, { claimed: 1, sent: 1, retrying: 0, deferred: 0, failed: 0, skipped: 0, unknown: 0, lost: 0 });
      assert.equal(sms.sent.length, 1);
      const m = sms.sent[0]!;
      assert.equal(m.to, '13800138000');
      const token = tokenIn(m.text);
      assert.equal(m.text, `您有一笔账单1,536.00元将于2026年2月10日到期，请按时还款：${PUBLIC_URL}/r/${token}`);
      assert.deepEqual(m.template.paramOrder, ['amount', 'dueDate', 'link']);
      const verdict = verifyLink(deriveLinkKey(t.deps.secret), token, t.clock.now());
      assert.deepEqual(verdict.status === 'valid' && verdict.target, { kind: 'bill', customerId: customers.A.id, dueDate: '2026-02-10' });
      assert.deepEqual(verdict.status === 'valid' && verdict.expiresAt, new Date('2026-02-14T02:00:00Z'));
      const n = await notice(customers.A.id, 'due_in_3_days');
      assert.deepEqual([n.status, n.sent_channel, n.lease_until, n.sending_since], ['sent', 'sms', null, null]);
      assert.deepEqual(await deliveries(n.id), [
        { channel: 'sms', provider: 'capture', status: 'sent', permanent: false, error: null },
        { channel: 'inbox', provider: 'inbox', status: 'sent', permanent: false, error: null },
      ]);
      assert.equal((await dispatch()).claimed, 0, 'nothing left to send');
    });

    it('shows the inbox to its owner only, and marks a message read once', async () => {
      const token = await sessionFor(t, customers.A.id);
      const inbox = await t.api('GET', '/v1/me/inbox', { token });
      assert.equal(inbox.status, 200, JSON.stringify(inbox.body));
      assert.equal(inbox.body.unread, 1);
      // A page size from a query string (digits), and a bad one refused.
      assert.equal((await t.api('GET', '/v1/me/inbox?limit=1', { token })).body.messages.length, 1);
      assert.equal((await t.api('GET', '/v1/me/inbox?limit=abc', { token })).status, 400);
      const [msg] = inbox.body.messages;
      assert.deepEqual({ ...msg, id: undefined, createdAt: undefined }, {
        id: undefined, kind: 'due_in_3_days', title: '3天后到期', body: '应还1,536.00元，最后还款日2026年2月10日。', actionPath: '/portal/pay?dueDate=2026-02-10', createdAt: undefined, readAt: null,
      });
      const read = await t.api('POST', `/v1/me/inbox/${msg.id}/read`, { token });
      assert.equal(read.status, 200);
      t.clock.advance(60_000);
      const again = await t.api('POST', `/v1/me/inbox/${msg.id}/read`, { token });
      assert.equal(again.body.readAt, read.body.readAt);
      assert.equal((await t.api('GET', '/v1/me/inbox', { token })).body.unread, 0);
      const other = await sessionFor(t, customers.B.id);
      assert.equal((await t.api('POST', `/v1/me/inbox/${msg.id}/read`, { token: other })).status, 404);
      assert.deepEqual((await t.api('GET', '/v1/me/inbox', { token: other })).body, { unread: 0, messages: [], next: null });
      assert.equal((await t.api('GET', '/v1/me/inbox')).status, 401);
    });

    it('retries SMS with backoff, then falls back to email (manual clock)', async () => {
      await t.deps.db.insertInto('notice_contacts').values({ customer_id: customers.B.id, locale: 'zh-CN', email: 'b@example.com', email_verified_at: t.clock.now(), pending_email: null, pending_email_at: null, updated_at: t.clock.now() }).execute();
      sms.answer = () => ({ ok: false, provider: 'capture', permanent: false, error: 'isp.SYSTEM_ERROR: try later' });
      const before = { sms: sms.attempts.length, email: email.sent.length };
      await enqueue([reminder('B', 'due_in_3_days')]);
      const t0 = t.clock.now();
      assert.equal((await dispatch()).retrying, 1);
      const n1 = await notice(customers.B.id, 'due_in_3_days');
      assert.deepEqual([n1.status, n1.attempts, n1.channel_index, n1.next_attempt_at], ['pending', 1, 0, new Date(t0.getTime() + 60_000)]);
      t.clock.advance(59_999);
      assert.equal((await dispatch()).claimed, 0, 'not before the backoff');
      t.clock.advance(1);
      assert.equal((await dispatch()).retrying, 1);
      assert.deepEqual((await notice(customers.B.id, 'due_in_3_days')).next_attempt_at, new Date(t0.getTime() + 60_000 + 300_000));
      t.clock.advance(300_000);
      assert.equal((await dispatch()).sent, 1, 'third failure falls back to email at once');
      assert.equal(sms.attempts.length - before.sms, 3);
      assert.equal(email.sent.length - before.email, 1);
      const mail = email.sent.at(-1)!;
      assert.equal(mail.to, 'b@example.com');
      assert.equal(mail.subject, '还款提醒：536.00元将于2026年2月10日到期');
      assert.match(mail.text, /应还金额：536\.00元\n最后还款日：2026年2月10日\n/);
      const n = await notice(customers.B.id, 'due_in_3_days');
      assert.deepEqual([n.status, n.sent_channel, n.channel_index], ['sent', 'email', 1]);
      assert.deepEqual((await deliveries(n.id)).map((d) => `${d.channel}:${d.status}`), ['sms:failed', 'inbox:sent', 'sms:failed', 'sms:failed', 'email:sent']);
      sms.answer = () => ({ ok: true, provider: 'capture', providerRef: 'sms-ref' });
    });

    it('a permanent SMS failure falls back at once; with no email on file the notice fails but stays in the inbox', async () => {
      sms.answer = (m) => ({ ok: false, provider: 'capture', permanent: true, error: `isv.MOBILE_NUMBER_ILLEGAL: ${m.to} is not a valid number` });
      await enqueue([reminder('C', 'due_in_3_days')]);
      assert.equal((await dispatch()).failed, 1);
      const n = await notice(customers.C.id, 'due_in_3_days');
      assert.deepEqual([n.status, n.outcome], ['failed', 'every channel failed']);
      const recorded = await deliveries(n.id);
      assert.deepEqual(recorded.map((d) => `${d.channel}:${d.status}:${d.permanent}`), ['sms:failed:true', 'inbox:sent:false', 'email:skipped:false']);
      assert.equal(recorded[0]!.error, 'isv.MOBILE_NUMBER_ILLEGAL: 138****8002 is not a valid number', 'no full phone number in the delivery record');
      assert.equal(recorded[2]!.error, 'no verified email address on file');
      sms.answer = () => ({ ok: true, provider: 'capture', providerRef: 'sms-ref' });
    });

    it('holds SMS during quiet hours and sends at 08:00', async () => {
      t.clock.set(shanghai('2026-02-09 00:30')); // the close of 8 Feb has just queued tomorrow's reminders
      await enqueue([reminder('C', 'due_tomorrow', '2026-02-08')]);
      const sent = sms.sent.length;
      assert.equal((await dispatch()).deferred, 1);
      assert.deepEqual((await notice(customers.C.id, 'due_tomorrow')).next_attempt_at, shanghai('2026-02-09 08:00'));
      t.clock.set(shanghai('2026-02-09 07:59:59'));
      assert.equal((await dispatch()).claimed, 0);
      assert.equal(sms.sent.length, sent);
      t.clock.set(shanghai('2026-02-09 08:00'));
      assert.equal((await dispatch()).sent, 1);
      assert.match(sms.sent.at(-1)!.text, /^您的账单536\.00元明天（2026年2月10日）到期/);
      const n = await notice(customers.C.id, 'due_tomorrow');
      assert.deepEqual((await deliveries(n.id)).map((d) => `${d.channel}:${d.status}`), ['sms:deferred', 'inbox:sent', 'sms:sent']);
    });

    it('drops a reminder that could not go out on its day rather than say "tomorrow" on the due date', async () => {
      t.clock.set(shanghai('2026-02-09 20:30'));
      sms.answer = () => ({ ok: false, provider: 'capture', permanent: false, error: 'InternalError' });
      await enqueue([reminder('B', 'due_tomorrow', '2026-02-08')]);
      assert.equal((await dispatch()).retrying, 1);
      sms.answer = () => ({ ok: true, provider: 'capture', providerRef: 'sms-ref' });
      t.clock.set(shanghai('2026-02-10 08:00')); // the retry comes due on the due date itself
      const sent = sms.sent.length + email.sent.length;
      assert.equal((await dispatch()).skipped, 1);
      assert.equal(sms.sent.length + email.sent.length, sent);
      assert.deepEqual((await notice(customers.B.id, 'due_tomorrow')).outcome, 'stale');
    });

    it('does not remind a customer who paid after the notice was queued', async () => {
      t.clock.set(shanghai('2026-02-10 09:00'));
      await enqueue([reminder('D', 'due_today', '2026-02-09')]);
      const token = await sessionFor(t, customers.D.id);
      const paid = await t.api('POST', '/v1/me/repayments', { token, key: 'pay-d', body: { kind: 'bill', dueDate: '2026-02-10', amount: '536.00' } });
      assert.equal(paid.status, 201, JSON.stringify(paid.body));
      const sent = sms.sent.length;
      assert.equal((await dispatch()).skipped, 1);
      // The only message is the payment's receipt (payment_received), not the reminder.
      assert.equal(sms.sent.length, sent + 1);
      assert.equal((await notice(customers.D.id, 'payment_received')).status, 'sent');
      const n = await notice(customers.D.id, 'due_today');
      assert.deepEqual([n.status, n.outcome], ['skipped', 'nothing_due']);
    });

    it('a notice found mid-send after a crash is marked unknown, never sent twice', async () => {
      await enqueue([{ kind: 'credit_line_changed', customerId: customers.A.id, businessDate: '2026-02-10', ref: 'limit-change-1', facts: { oldLimitFen: 2_000_000, newLimitFen: 3_000_000 } }]);
      const n = await notice(customers.A.id, 'credit_line_changed');
      const past = new Date(t.clock.now().getTime() - 1_000);
      await t.deps.db.updateTable('notices').set({ sending_since: past, lease_until: past }).where('id', '=', n.id).execute();
      const sent = sms.sent.length;
      assert.equal((await dispatch()).unknown, 1);
      assert.equal(sms.sent.length, sent);
      assert.equal((await notice(customers.A.id, 'credit_line_changed')).status, 'unknown');
    });

    it('two dispatchers at once send each notice once', async () => {
      const kinds = ['overdue_1', 'overdue_3', 'overdue_7', 'overdue_15', 'overdue_30'] as const;
      await enqueue(kinds.map((kind) => reminder('A', kind, '2026-02-12')));
      const sent = sms.sent.length;
      const reports = await Promise.all([dispatchNotices(t.deps, { batchSize: 3 }), dispatchNotices(t.deps, { batchSize: 3 }), dispatchNotices(t.deps, { batchSize: 3 })]);
      const total = reports.reduce((s, r) => s + r.sent, 0) + (await dispatch()).sent;
      assert.equal(total, 5);
      const texts = sms.sent.slice(sent).map((m) => m.text.replace(/https?:\S+$/, ''));
      assert.equal(new Set(texts).size, 5);
      assert.ok(texts.includes('您2026年2月10日到期的账单已逾期7天，应还1,536.00元，含逾期费用0.00元。请尽快还款：'), texts.join('\n'));
    });

    it('takes in what the daily close queued, one reminder per bill, not before its day', async () => {
      assert.deepEqual(['due_in_3_days', 'due_tomorrow', 'due_today', 'overdue_1', 'overdue_30', 'auto_debit'].map((k) => dueDateOfOutboxItem(k, '2026-02-09')),
        ['2026-02-12', '2026-02-10', '2026-02-09', '2026-02-08', '2026-01-10', null]);
      const item = (planId: string, kind: string) => ({ customer_id: customers.A.id, plan_id: planId, installment_number: 2, kind, business_date: '2026-03-09', send_on: '2026-03-10', created_at: t.clock.now(), consumed_at: null });
      await t.deps.db.insertInto('close_outbox').values([item(customers.A.plans[0]!, 'due_today'), item(customers.A.plans[1]!, 'due_today'), item(customers.A.plans[0]!, 'auto_debit')]).execute();
      assert.equal((await intakeCloseOutbox(t.deps)).taken, 0, 'send_on has not come');
      await t.setBusinessDate('2026-03-10');
      assert.deepEqual(await intakeCloseOutbox(t.deps), { taken: 2, enqueued: 1, duplicates: 1, disabled: 0 });
      assert.deepEqual(await intakeCloseOutbox(t.deps), { taken: 0, enqueued: 0, duplicates: 0, disabled: 0 });
      const left = await t.deps.db.selectFrom('close_outbox').select('kind').where('customer_id', '=', customers.A.id).where('consumed_at', 'is', null).execute();
      assert.deepEqual(left, [{ kind: 'auto_debit' }], 'auto-debit items are not ours');
      const n = await t.deps.db.selectFrom('notices').selectAll().where('customer_id', '=', customers.A.id).where('kind', '=', 'due_today').executeTakeFirstOrThrow();
      assert.deepEqual([n.due_date, n.business_date, n.next_attempt_at], ['2026-03-10', '2026-03-09', new Date('2026-03-10T02:00:00Z')]);
      assert.equal((await dispatch()).sent, 1);
      assert.equal(sms.sent.at(-1)!.text.replace(/https?:\S+$/, ''), '您的账单1,536.00元今天（2026年3月10日）到期，请今日还款：');
    });

    it('the background dispatcher sends what is queued and stops cleanly', async () => {
      await enqueue([{ kind: 'payment_received', customerId: customers.B.id, businessDate: '2026-02-10', ref: 'repayment-1', facts: { amountFen: 53_600, paidOn: '2026-02-10' } }]);
      const mails = email.sent.length;
      const stop = startNoticeDispatcher(t.deps, 20);
      for (let i = 0; i < 200 && email.sent.length === mails; i++) await new Promise((r) => setTimeout(r, 25));
      await stop();
      assert.equal(email.sent.length, mails + 1, 'receipts go by email first (B has a verified address)');
      assert.equal(email.sent.at(-1)!.subject, '还款回执：536.00元');
    });
  });
}
