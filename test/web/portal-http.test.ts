import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { buy, loginCode } from './support.ts';

/**
 * The portal over HTTP without a browser: sessions and cookies, the form posts, refusals
 * (another customer's pages, cross-site posts, bad input), idempotent repayment, language,
 * escaping and page weight. Customer A has a fee-12 plan (536.00 a month) bought 2026-01-05;
 * today is 2026-02-08.
 */
for (const target of testDatabases()) {
  describe(`the customer portal over HTTP on ${target.name}`, () => {
    const PHONE = '13800138001';
    let t: TestApp;
    let store: TestStore;
    let plan: { id: string; customerId: string };
    let other: { id: string; customerId: string };
    let cookie: string;

    type Res = { status: number; body: string; headers: Record<string, unknown> };
    const get = async (url: string, session = cookie, headers: Record<string, string> = {}): Promise<Res> => {
      const r = await t.app.inject({ method: 'GET', url, headers: { ...(session ? { cookie: session } : {}), ...headers } });
      return { status: r.statusCode, body: r.body, headers: r.headers };
    };
    const post = async (url: string, fields: Record<string, string>, session = cookie, headers: Record<string, string> = {}): Promise<Res> => {
      const r = await t.app.inject({
        method: 'POST', url, payload: new URLSearchParams(fields).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(session ? { cookie: session } : {}), ...headers },
      });
      return { status: r.statusCode, body: r.body, headers: r.headers };
    };
    const setCookies = (r: Res): string[] => {
      const h = r.headers['set-cookie'];
      return h === undefined ? [] : Array.isArray(h) ? h.map(String) : [String(h)];
    };
    const hiddenKey = (body: string) => /name="key" value="([^"]+)"/.exec(body)?.[1] ?? '';
    /**
     * From the portal's page of a payment in flight: shows "processing", pays at the sandbox
     * cashier it links to (as the customer would in the other tab), and follows the page on to
     * the receipt. Returns the receipt's path.
     */
    const payAtCashier = async (paymentPage: string, session = cookie): Promise<string> => {
      assert.match(paymentPage, /^\/portal\/pay\/payments\/[0-9a-f-]{36}$/);
      const waiting = await get(paymentPage, session);
      assert.equal(waiting.status, 200);
      assert.match(waiting.body, /<h1>处理中<\/h1>/);
      assert.match(waiting.body, /<meta http-equiv="refresh" content="2;url=/);
      const cashier = /href="(\/sandbox\/cashier\/[^"]+)" target="_blank"/.exec(waiting.body)?.[1]?.replace(/&amp;/g, '&');
      assert.ok(cashier, 'a link to the cashier');
      const [path, query] = cashier.split('?');
      const paid = await t.app.inject({ method: 'POST', url: `${path}/pay?${query}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'b=pay' });
      assert.equal(paid.statusCode, 200, paid.body);
      const settled = await get(`${paymentPage}?n=2`, session);
      assert.equal(settled.status, 303, 'paid: on to the receipt');
      assert.match(String(settled.headers.location), /^\/portal\/pay\/receipts\/[0-9a-f-]{36}$/);
      return String(settled.headers.location);
    };

    before(async () => {
      t = await startTestApp(target);
      store = await seedTestStore(t);
      plan = await buy(t, store, PHONE, 'fee-12', '6000.00', 'H-1', 'Xiaomi 15 <script>alert(1)</script>');
      other = await buy(t, store, '13800138002', 'free-3', '3000.00', 'H-2', 'Redmi Pad');
      await buy(t, store, '13800138009', 'free-3', '300.00', 'H-3', 'Redmi Buds');
      await t.setBusinessDate('2026-02-08');
    });
    after(async () => { await t.close(); });

    it('sends a visitor without a session to the login page, keeping where they were going', async () => {
      assert.deepEqual([(await get('/', '')).status, (await get('/', '')).headers.location], [302, '/portal'], 'the front door is the portal');
      assert.deepEqual([(await get('/portal', '')).status, (await get('/portal', '')).headers.location], [303, '/portal/login']);
      const bills = await get('/portal/bills', '');
      assert.deepEqual([bills.status, bills.headers.location], [303, '/portal/login?next=%2Fportal%2Fbills']);
      const login = await get('/portal/login', '');
      assert.equal(login.status, 200);
      assert.match(String(login.headers['content-type']), /text\/html; charset=utf-8/);
      assert.match(login.body, /<html lang="zh-CN">/);
      assert.match(login.body, /<label for="phone">手机号/);
      assert.match(String(login.headers['content-security-policy']), /default-src 'none'; style-src 'self'/);
      assert.doesNotMatch(login.body, /<script/i);
    });

    it('logs in with phone and code: an HttpOnly SameSite=Lax session cookie, then back where they were going', async () => {
      const sent = await post('/portal/login/code', { phone: PHONE, next: '/portal/bills' }, '');
      assert.equal(sent.status, 200, sent.body);
      assert.match(sent.body, /验证码已发送/);
      assert.match(sent.body, /autocomplete="one-time-code"/);
      const wrong = await post('/portal/login', { phone: PHONE, code: '000000', next: '/portal/bills' }, '');
      assert.equal(wrong.status, 401);
      assert.match(wrong.body, /验证码不正确/);
      const r = await post('/portal/login', { phone: PHONE, code: loginCode(t, PHONE), next: '/portal/bills' }, '');
      assert.deepEqual([r.status, r.headers.location], [303, '/portal/bills']);
      const session = setCookies(r).find((c) => c.startsWith('fq_session='));
      assert.ok(session, 'a session cookie');
      assert.match(session, /; Path=\/portal; SameSite=Lax; Max-Age=2592000; HttpOnly$/, 'the cookie goes only to the portal');
      cookie = session.split(';')[0]!;
      assert.equal((await get('/portal')).status, 200);
    });

    it('refuses a bad phone number in words, and never follows a login to another site', async () => {
      const bad = await post('/portal/login/code', { phone: '12345' }, '');
      assert.equal(bad.status, 400);
      assert.match(bad.body, /请输入正确的 11 位手机号/);
      const phone = '13800138009';
      await post('/portal/login/code', { phone }, '');
      for (const next of ['//evil.example/x', 'https://evil.example', '/\\evil.example', '/v1/me/account', '/portal/../v1/me']) {
        const r = await post('/portal/login', { phone, code: loginCode(t, phone), next }, '');
        assert.deepEqual([r.status, r.headers.location], [303, '/portal'], next);
        t.clock.advance(61_000);
        assert.equal((await post('/portal/login/code', { phone }, '')).status, 200);
      }
    });

    it('ends a stale session: back to login and the cookie is cleared', async () => {
      const r = await get('/portal', 'fq_session=fqs_not-a-real-session');
      assert.deepEqual([r.status, r.headers.location], [303, '/portal/login']);
      assert.ok(setCookies(r).some((c) => /^fq_session=; .*Max-Age=0/.test(c)));
    });

    it('escapes what merchants wrote: a description cannot run script', async () => {
      const r = await get(`/portal/plans/${plan.id}`);
      assert.equal(r.status, 200);
      assert.match(r.body, /Xiaomi 15 &lt;script&gt;alert\(1\)&lt;\/script&gt;/);
      assert.doesNotMatch(r.body, /<script>alert/);
    });

    it("answers 404 for another customer's plan, for ids that are not ids, and for their receipts", async () => {
      const theirs = await get(`/portal/plans/${other.id}`);
      assert.equal(theirs.status, 404);
      assert.match(theirs.body, /页面不存在/);
      assert.doesNotMatch(theirs.body, /Redmi Pad/);
      assert.equal((await get('/portal/plans/not-a-uuid')).status, 404);
      const otherSession = `fq_session=${await sessionFor(t, other.customerId)}`;
      const paid = await t.api('POST', '/v1/me/repayments', { token: otherSession.slice('fq_session='.length), key: 'other-1', body: { kind: 'amount', amount: '10.00' } });
      assert.equal(paid.status, 201, JSON.stringify(paid.body));
      assert.equal((await get(`/portal/pay/receipts/${paid.body.id}`)).status, 404);
      assert.equal((await get(`/portal/pay/receipts/${paid.body.id}`, otherSession)).status, 200);
      const pay = await get(`/portal/pay?plan=${other.id}&n=1`);
      assert.equal(pay.status, 200);
      assert.doesNotMatch(pay.body, /Redmi Pad/, 'the repay page offers nothing of another customer');
    });

    it('refuses a cross-site form post, and moves no money', async () => {
      const before = (await t.api('GET', '/v1/me/repayments', { token: cookie.slice('fq_session='.length) })).body.items.length;
      const attacks: Record<string, string>[] = [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { origin: 'null' }];
      for (const headers of attacks) {
        const r = await post('/portal/pay', { choice: 'amount', custom: '1.00', channel: 'sandbox', key: 'csrf-1' }, cookie, headers);
        assert.equal(r.status, 403, JSON.stringify(headers));
        assert.match(r.body, /请求被拒绝/);
      }
      const after = (await t.api('GET', '/v1/me/repayments', { token: cookie.slice('fq_session='.length) })).body.items.length;
      assert.equal(after, before);
      const same = await post('/portal/logout', {}, 'fq_session=x', { origin: 'http://localhost:80', host: 'localhost:80' });
      assert.equal(same.status, 303, 'a same-origin post is fine');
    });

    it('pays a custom amount once at the sandbox cashier, however often the form is sent', async () => {
      const form = await get('/portal/pay');
      assert.equal(form.status, 200);
      assert.match(form.body, /value="bill" checked/);
      assert.match(form.body, /¥536\.00/);
      const key = hiddenKey(form.body);
      assert.ok(key.length > 10);
      const fields = { key, choice: 'amount', custom: '¥1,000', channel: 'sandbox' };
      const first = await post('/portal/pay', fields);
      const again = await post('/portal/pay', fields);
      assert.equal(first.status, 303);
      assert.equal(again.headers.location, first.headers.location, 'the same key answers with the same payment');
      const receipt = await get(await payAtCashier(String(first.headers.location)));
      assert.equal(receipt.status, 200);
      assert.match(receipt.body, /还款成功/);
      assert.match(receipt.body, /data-testid="receipt-amount">¥1,000\.00</);
      assert.match(receipt.body, /自定义金额/);
      const history = await t.api('GET', '/v1/me/repayments', { token: cookie.slice('fq_session='.length) });
      assert.equal(history.body.items.filter((r: any) => r.amount === '1000.00').length, 1);
    });

    it('says what is wrong with an amount, in the customer’s language', async () => {
      const bad = await post('/portal/pay', { key: 'k-bad-1', choice: 'amount', custom: '12.345', channel: 'sandbox' });
      assert.equal(bad.status, 400);
      assert.match(bad.body, /请输入正确的金额，最多两位小数/);
      assert.match(bad.body, /value="12\.345"/, 'what was typed is kept');
      assert.notEqual(hiddenKey(bad.body), 'k-bad-1', 'a new attempt gets a new key');
      const en = await post('/portal/pay?lang=en', { key: 'k-bad-2', choice: 'amount', custom: 'abc', channel: 'sandbox' }, `${cookie}; fq_lang=en`);
      assert.match(en.body, /Please enter an amount in yuan with at most two decimals/);
    });

    it('pays one installment from the plan page', async () => {
      const page = await get(`/portal/plans/${plan.id}`);
      const link = /href="(\/portal\/pay\?plan=[^"]+)"/.exec(page.body)?.[1]?.replace(/&amp;/g, '&');
      assert.ok(link, 'a pay link on the first unpaid installment');
      const form = await get(link);
      assert.match(form.body, /value="installment" checked/);
      const amount = /name="amount_installment" value="([^"]+)"/.exec(form.body)?.[1];
      // The custom 1000.00 above paid installment 1 and part of 2: the link is for 2, the rest of it.
      assert.match(link, /&n=2$/);
      assert.equal(amount, '72.00');
      const r = await post('/portal/pay', { key: hiddenKey(form.body), choice: 'installment', plan: plan.id, n: '2', amount_installment: amount!, channel: 'sandbox' });
      assert.equal(r.status, 303, r.body);
      const receipt = await get(await payAtCashier(String(r.headers.location)));
      assert.match(receipt.body, /单期还款/);
    });

    it('shows the early payoff quote and pays it', async () => {
      const form = await get(`/portal/pay?plan=${plan.id}&payoff=1`);
      assert.match(form.body, /value="payoff" checked/);
      assert.match(form.body, /比按期还款少付/);
      const amount = /name="amount_payoff" value="([^"]+)"/.exec(form.body)![1]!;
      const r = await post('/portal/pay', { key: hiddenKey(form.body), choice: 'payoff', plan: plan.id, payoff: '1', amount_payoff: amount, channel: 'sandbox' });
      assert.equal(r.status, 303, r.body);
      const receipt = await get(await payAtCashier(String(r.headers.location)));
      assert.match(receipt.body, /提前还清/);
      assert.match(receipt.body, /已全部还清/);
      const after = await get(`/portal/plans/${plan.id}`);
      assert.match(after.body, /已还清/);
      assert.doesNotMatch(after.body, /href="\/portal\/pay\?plan=/, 'nothing left to pay on it');
    });

    it('switches language with ?lang=en and remembers it in a cookie', async () => {
      const r = await get('/portal?lang=en');
      assert.match(r.body, /<html lang="en">/);
      const lang = setCookies(r).find((c) => c.startsWith('fq_lang='));
      assert.match(lang ?? '', /^fq_lang=en; Path=\/; SameSite=Lax; Max-Age=31536000$/);
      const next = await get('/portal/bills', `${cookie}; fq_lang=en`);
      assert.match(next.body, /<h1>Bills<\/h1>/);
      assert.match(next.body, /href="\/portal\/bills\?lang=zh-CN"/);
      assert.match((await get('/portal?lang=xx')).body, /<html lang="zh-CN">/, 'an unknown language falls back to Chinese');
    });

    it('keeps every page small: under 30 KB of HTML, one cached stylesheet, no scripts', async () => {
      for (const url of ['/portal', '/portal/bills', '/portal/plans', `/portal/plans/${plan.id}`, '/portal/pay', '/portal/account', '/portal/login']) {
        const r = await get(url);
        assert.equal(r.status, 200, url);
        assert.ok(Buffer.byteLength(r.body) < 30_000, `${url} is ${Buffer.byteLength(r.body)} bytes`);
        assert.equal(r.headers['cache-control'], 'no-store', `${url}: personal pages are not cached`);
      }
      const home = await get('/portal');
      const css = /href="(\/assets\/portal\.[0-9a-f]{10}\.css)"/.exec(home.body)![1]!;
      const sheet = await get(css, '');
      assert.equal(sheet.status, 200);
      assert.match(String(sheet.headers['cache-control']), /immutable/);
      assert.ok(Buffer.byteLength(sheet.body) < 12_000, `the stylesheet is ${Buffer.byteLength(sheet.body)} bytes`);
    });

    it('explains why the account cannot be cancelled while something is owed', async () => {
      const owing = `fq_session=${await sessionFor(t, other.customerId)}`;
      const r = await get('/portal/account', owing);
      assert.match(r.body, /138\*\*\*\*8002/);
      assert.match(r.body, /暂时不能注销/);
      assert.match(r.body, /type="button" disabled>注销账户/);
      const tried = await post('/portal/account/cancel/code', {}, owing);
      assert.equal(tried.status, 422);
    });

    it('cancels a settled account after a code, and logs it out', async () => {
      const page = await get('/portal/account');
      assert.doesNotMatch(page.body, /暂时不能注销/, 'customer A has paid everything off');
      const sent = await post('/portal/account/cancel/code', {});
      assert.equal(sent.status, 200, sent.body);
      const sms = t.sent.filter((n) => n.template === 'otp.reauth').at(-1);
      assert.ok(sms?.params.code);
      const wrong = await post('/portal/account/cancel', { code: '000000' });
      assert.equal(wrong.status, 401);
      const r = await post('/portal/account/cancel', { code: sms.params.code });
      assert.equal(r.status, 200, r.body);
      assert.match(r.body, /账户已注销/);
      assert.ok(setCookies(r).some((c) => /^fq_session=; .*Max-Age=0/.test(c)));
      assert.equal((await get('/portal')).status, 303, 'the session is over');
    });

    it('opens the pay page a repayment link leads to (/portal/pay?dueDate=), through login when needed', async () => {
      const r = await get('/portal/pay?dueDate=2026-02-10', '');
      assert.deepEqual([r.status, r.headers.location], [303, '/portal/login?next=%2Fportal%2Fpay%3FdueDate%3D2026-02-10']);
      const owing = `fq_session=${await sessionFor(t, other.customerId)}`;
      const page = await get('/portal/pay?dueDate=2026-03-10', owing);
      assert.equal(page.status, 200);
      assert.match(page.body, /value="bill" checked/);
      assert.match(page.body, /name="dueDate" value="2026-03-10"/);
      assert.match(page.body, /name="amount_bill" value="1990.00"/, 'the March bill and the February one before it, less the 10.00 paid');
    });
  });
}
