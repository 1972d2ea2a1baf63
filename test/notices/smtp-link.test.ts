import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { FastifyInstance } from 'fastify';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, sessionFor } from '../support/store.ts';
import { smtpEmailSender } from '../../src/adapters/notify/email/smtp-email.ts';
import { enqueueNotices } from '../../src/app/notices/enqueue-notice.ts';
import { dispatchNotices } from '../../src/app/notices/dispatch-notices.ts';
import { parseNoticeRules } from '../../src/core/notices/rules.ts';
import { captureSms, installNotices, linkApp, PUBLIC_URL, tokenIn } from './notice-support.ts';

interface Mail { from: string; to: string[]; raw: string }

/** A real SMTP server on loopback (random port) that keeps what it receives. */
async function startSmtp(): Promise<{ server: SMTPServer; port: number; inbox: Mail[] }> {
  const inbox: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        inbox.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.server.address() as AddressInfo).port, inbox };
}

function decodeQuotedPrintable(text: string): string {
  const soft = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    if (soft[i] === '=' && /^[0-9A-F]{2}$/i.test(soft.slice(i + 1, i + 3))) { bytes.push(parseInt(soft.slice(i + 1, i + 3), 16)); i += 2; } else bytes.push(soft.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('utf8').replace(/\r\n/g, '\n');
}

/** The text/plain part of a MIME message, decoded. */
function plainText(raw: string): string {
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(raw)?.[1];
  const parts = boundary ? raw.split(`--${boundary}`) : [raw];
  const part = parts.find((p) => /content-type:\s*text\/plain/i.test(p));
  assert.ok(part, 'a text/plain part');
  const split = part.search(/\r?\n\r?\n/);
  const head = part.slice(0, split);
  const body = part.slice(split).replace(/^\r?\n\r?\n/, '');
  if (/content-transfer-encoding:\s*quoted-printable/i.test(head)) return decodeQuotedPrintable(body);
  if (/content-transfer-encoding:\s*base64/i.test(head)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return body.replace(/\r\n/g, '\n');
}

/** The Subject header, RFC 2047 encoded words decoded. */
function subjectOf(raw: string): string {
  const head = raw.slice(0, raw.search(/\r?\n\r?\n/)).replace(/\r?\n[ \t]/g, ' ');
  const value = /^subject:\s*(.*)$/im.exec(head)?.[1] ?? '';
  return value.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_m, enc: string, text: string) =>
    enc.toLowerCase() === 'b' ? Buffer.from(text, 'base64').toString('utf8') : decodeQuotedPrintable(text.replace(/_/g, ' '))).trim();
}

for (const target of testDatabases()) {
  describe(`a reminder through real SMTP, and its repayment link, on ${target.name}`, () => {
    let t: TestApp;
    let smtp: Awaited<ReturnType<typeof startSmtp>>;
    let links: FastifyInstance;
    let customerId: string;
    let otherCustomerId: string;
    let session: string;
    let reminderToken: string;
    const sms = captureSms();
    const open = (token: string, headers: Record<string, string> = {}) => links.inject({ method: 'GET', url: `/r/${token}`, headers });

    before(async () => {
      t = await startTestApp(target);
      smtp = await startSmtp();
      const email = smtpEmailSender({ url: `smtp://127.0.0.1:${smtp.port}`, from: '分期 Fenqi <no-reply@fenqi.test>', ignoreTls: true, timeoutMs: 5_000 });
      const rules = parseNoticeRules({ due_in_3_days: { channels: ['email', 'sms'] } });
      assert.ok(rules.ok);
      installNotices(t.deps, { sms, email }, { rules: rules.value });
      links = await linkApp(t.deps);
      const store = await seedTestStore(t);
      const fee = await checkout(t, store, '13800138000', 'fee-12', '6000.00', 'M-1');
      await checkout(t, store, '13800138000', 'free-3', '3000.00', 'M-2');
      customerId = fee.customerId;
      otherCustomerId = (await checkout(t, store, '13800138009', 'fee-12', '6000.00', 'M-3')).customerId;
      session = await sessionFor(t, customerId);
    });
    after(async () => {
      await links?.close();
      await new Promise<void>((resolve) => smtp.server.close(() => resolve()));
      await t.close();
    });

    it('verifies a new email address by a link sent over SMTP before using it', async () => {
      const put = await t.api('PUT', '/v1/me/notice-preferences', { token: session, body: { email: 'Li.Hua@Example.COM' } });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      assert.deepEqual(put.body, { locale: 'zh-CN', email: null, pendingEmail: 'Li.Hua@example.com', verificationSent: true });
      assert.equal(smtp.inbox.length, 1);
      const mail = smtp.inbox[0]!;
      assert.deepEqual(mail.to, ['Li.Hua@example.com']);
      assert.equal(subjectOf(mail.raw), '请验证您的邮箱');
      const page = await open(tokenIn(plainText(mail.raw)));
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<h1>邮箱已验证<\/h1>/);
      assert.deepEqual((await t.api('GET', '/v1/me/notice-preferences', { token: session })).body, { locale: 'zh-CN', email: 'Li.Hua@example.com', pendingEmail: null });
      assert.equal((await open(tokenIn(plainText(mail.raw)))).statusCode, 404, 'a used verification link is void');
    });

    it('sends "due in 3 days" by email and the link in it opens on the amount due', async () => {
      await t.setBusinessDate('2026-02-07'); // 10:00 in Shanghai
      const queued = await t.run((ctx) => enqueueNotices(ctx.deps, ctx.tx, ctx.at, [{ kind: 'due_in_3_days', customerId, businessDate: '2026-02-07', dueDate: '2026-02-10' }]));
      assert.equal(queued.enqueued, 1);
      assert.equal((await dispatchNotices(t.deps)).sent, 1);
      assert.equal(smtp.inbox.length, 2);
      const mail = smtp.inbox[1]!;
      assert.deepEqual(mail.to, ['Li.Hua@example.com']);
      assert.equal(mail.from, 'no-reply@fenqi.test');
      assert.equal(subjectOf(mail.raw), '还款提醒：1,536.00元将于2026年2月10日到期');
      assert.match(mail.raw, /^X-Fenqi-Notice: [0-9a-f-]{36}\r?$/m);
      const text = plainText(mail.raw);
      reminderToken = tokenIn(text);
      assert.equal(text.split('\n').slice(0, 6).join('\n'), `您好，\n您有一笔账单将在3天后到期。\n应还金额：1,536.00元\n最后还款日：2026年2月10日\n点击下方链接即可直接还款：\n${PUBLIC_URL}/r/${reminderToken}`);
      assert.equal(sms.sent.length, 0, 'sent once, by email');

      const page = await open(reminderToken);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<p class="amount" data-amount-due>1,536\.00元<\/p>/);
      assert.match(page.body, /<span data-due-date>2026年2月10日<\/span>/);
      assert.match(page.body, /账户手机尾号 8000/);
      assert.match(page.body, /<a class="button" href="\/portal\/pay\?dueDate=2026-02-10">去还款<\/a>/);
      assert.equal(page.headers['cache-control'], 'no-store');
      assert.equal(page.headers['referrer-policy'], 'no-referrer');
      assert.match(String(page.headers['content-security-policy']), /default-src 'none'/);

      const json = await t.api('GET', `/v1/repayment-links/${reminderToken}`);
      assert.deepEqual({ ...json.body, expiresAt: undefined }, {
        status: 'due', locale: 'zh-CN', dueDate: '2026-02-10', amountDue: '1536.00', lateCharges: '0.00', daysPastDue: 0, billStatus: 'open',
        phoneTail: '8000', payPath: '/portal/pay?dueDate=2026-02-10', expiresAt: undefined,
      });
    });

    it('a tampered or forged link shows nothing and says what to do', async () => {
      const i = 20;
      const tampered = reminderToken.slice(0, i) + (reminderToken[i] === 'A' ? 'B' : 'A') + reminderToken.slice(i + 1);
      for (const token of [tampered, reminderToken.slice(0, -2), 'not-a-token', `${reminderToken}x`]) {
        const page = await open(token);
        assert.equal(page.statusCode, 404, token);
        assert.match(page.body, /<h1>链接无效<\/h1>/);
        assert.doesNotMatch(page.body, /1,536|8000|2026年2月10日/);
        assert.match(page.body, /href="\/login"/);
        assert.deepEqual((await t.api('GET', `/v1/repayment-links/${token}`)).body, { status: 'invalid' });
      }
      const english = await open(tampered, { 'accept-language': 'en-US,en;q=0.9' });
      assert.match(english.body, /<h1>This link is not valid<\/h1>/);
    });

    it('opens in the customer\'s language, or redirects to the portal when configured', async () => {
      session = await sessionFor(t, customerId); // sessions last 30 days; the clock has moved on
      const set = await t.api('PUT', '/v1/me/notice-preferences', { token: session, body: { locale: 'en' } });
      assert.equal(set.body.locale, 'en');
      const en = await open(reminderToken);
      assert.match(en.body, /<p class="amount" data-amount-due>¥1,536\.00<\/p>/);
      assert.match(en.body, /Due date: <span data-due-date>10 Feb 2026<\/span>/);
      await t.api('PUT', '/v1/me/notice-preferences', { token: session, body: { locale: 'zh-CN' } });
      const services = installNotices(t.deps, { sms, email: smtpEmailSender({ url: `smtp://127.0.0.1:${smtp.port}`, from: 'x@fenqi.test', ignoreTls: true }) }, { linkMode: 'redirect' });
      const redirect = await open(reminderToken);
      assert.equal(redirect.statusCode, 303);
      assert.equal(redirect.headers.location, '/portal/pay?dueDate=2026-02-10');
      installNotices(t.deps, services.senders, { rules: (parseNoticeRules({ due_in_3_days: { channels: ['email', 'sms'] } }) as any).value });
    });

    it('an expired link shows nothing, and a new one goes to the phone on the account', async () => {
      t.clock.advance(7 * 86_400_000); // the link was valid 7 days
      const page = await open(reminderToken);
      assert.equal(page.statusCode, 410);
      assert.match(page.body, /<h1>链接已过期<\/h1>/);
      assert.doesNotMatch(page.body, /1,536|8000/);
      assert.match(page.body, new RegExp(`<form method="post" action="/r/${reminderToken}/renew">`));
      assert.deepEqual((await t.api('GET', `/v1/repayment-links/${reminderToken}`)).body, { status: 'expired' });

      for (let i = 0; i < 3; i++) {
        const renew = await links.inject({ method: 'POST', url: `/r/${reminderToken}/renew`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '' });
        assert.equal(renew.statusCode, 202);
        assert.match(renew.body, /新链接会在几分钟内以短信发送到账户绑定的手机号/);
      }
      const forged = await links.inject({ method: 'POST', url: '/r/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/renew' });
      assert.equal(forged.statusCode, 202, 'the same answer for a forged link');

      t.clock.set(new Date('2026-02-14T03:00:00Z')); // 11:00 in Shanghai
      assert.equal((await dispatchNotices(t.deps)).sent, 1, 'one new link, however often the button was pressed');
      const text = sms.sent.at(-1)!;
      assert.equal(text.to, '13800138000');
      const fresh = tokenIn(text.text);
      assert.equal(text.text, `您申请的还款链接：${PUBLIC_URL}/r/${fresh}，2026年2月21日前有效。`);
      assert.match((await open(fresh)).body, /data-amount-due>1,536\.00元</);
    });

    it('once the bill is paid the link says so, without figures', async () => {
      const before = smtp.inbox.length;
      const fresh = tokenIn(sms.sent.at(-1)!.text);
      session = await sessionFor(t, customerId);
      const paid = await t.api('POST', '/v1/me/repayments', { token: session, key: 'pay-all', body: { kind: 'bill', dueDate: '2026-02-10', amount: '1536.00' } });
      assert.equal(paid.status, 201, JSON.stringify(paid.body));
      const page = await open(fresh);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<h1>这笔账单已无需还款<\/h1>/);
      assert.doesNotMatch(page.body, /1,536|8000/);
      assert.equal(smtp.inbox.length, before);
    });

    it('a link only ever shows the figures of the customer it was signed for', async () => {
      await dispatchNotices(t.deps); // the receipt for the payment above goes first
      const queued = await t.run((ctx) => enqueueNotices(ctx.deps, ctx.tx, ctx.at, [{ kind: 'overdue_3', customerId: otherCustomerId, businessDate: '2026-02-12', dueDate: '2026-02-10' }]));
      assert.equal(queued.enqueued, 1);
      assert.equal((await dispatchNotices(t.deps)).sent, 1);
      const page = await open(tokenIn(sms.sent.at(-1)!.text));
      assert.equal(sms.sent.at(-1)!.to, '13800138009');
      assert.match(page.body, /data-amount-due>536\.00元</);
      assert.match(page.body, /账户手机尾号 8009/);
    });
  });
}

describe('SMTP answers: what is worth a retry', () => {
  it('a 5xx refusal is permanent, a 4xx or an unreachable server is not', async () => {
    const server = new SMTPServer({
      authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
      onRcptTo(address, _session, callback) {
        if (address.address.startsWith('nobody')) return callback(Object.assign(new Error('5.1.1 <nobody@fenqi.test>: no such user'), { responseCode: 550 }));
        if (address.address.startsWith('busy')) return callback(Object.assign(new Error('4.2.2 mailbox full, try later'), { responseCode: 452 }));
        return callback();
      },
      onData(stream, _session, callback) { stream.resume(); stream.on('end', () => callback()); },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.server.address() as AddressInfo).port;
    try {
      const sender = smtpEmailSender({ url: `smtp://127.0.0.1:${port}`, from: 'no-reply@fenqi.test', ignoreTls: true, timeoutMs: 5_000 });
      const mail = { subject: 's', text: 't', html: '<p>t</p>', reference: 'n' };
      const ok = await sender.send({ ...mail, to: 'li@fenqi.test' });
      assert.equal(ok.ok, true);
      const refused = await sender.send({ ...mail, to: 'nobody@fenqi.test' });
      assert.equal(!refused.ok && refused.permanent, true, JSON.stringify(refused));
      const full = await sender.send({ ...mail, to: 'busy@fenqi.test' });
      assert.equal(!full.ok && full.permanent, false, JSON.stringify(full));
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    const down = await smtpEmailSender({ url: `smtp://127.0.0.1:${port}`, from: 'no-reply@fenqi.test', ignoreTls: true, timeoutMs: 2_000 })
      .send({ to: 'li@fenqi.test', subject: 's', text: 't', html: 't', reference: 'n' });
    assert.equal(!down.ok && down.permanent, false, JSON.stringify(down));
  });
});
