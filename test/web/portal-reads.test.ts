import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { seedTestStore, sessionFor, type TestStore } from '../support/store.ts';
import { buy } from './support.ts';
import { loadStylesheet } from '../../src/web/assets.ts';
import { messages } from '../../src/web/i18n/messages.ts';
import { homePage } from '../../src/web/portal/pages/home.ts';
import { billsPage } from '../../src/web/portal/pages/bills.ts';
import type { View } from '../../src/web/portal/layout.ts';
import { checkLedger } from '../../src/app/check-ledger.ts';

/**
 * Home and bills read through one-statement page read models (src/web/portal/page-reads.ts)
 * instead of the customer API. These tests hold them to the API: for each state of the
 * account (a fresh bill, one paid, overdue with charges, paid off) the page's HTML must be
 * byte for byte what the same render function makes from the API's own answers. And the
 * session rules the API enforced still hold: a logged-out or expired session goes to the
 * login page, and a paid bill shows paid on the very next load (nothing is cached).
 */
for (const target of testDatabases()) {
  describe(`portal home and bills read models on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    let phone: { id: string; customerId: string };
    let token: string;
    let otherToken: string;
    const css = loadStylesheet('portal').href;

    const view = (path: string): View => ({ locale: 'zh-CN', m: messages('zh-CN'), switchHref: `${path}?lang=en`, cssHref: css });
    const page = async (url: string, session = token) => {
      const r = await t.app.inject({ method: 'GET', url, headers: { cookie: `fq_session=${session}` } });
      return { status: r.statusCode, body: r.body, location: r.headers.location };
    };
    const api = async (url: string, session = token) => {
      const r = await t.api('GET', url, { token: session });
      assert.equal(r.status, 200, `${url}: ${JSON.stringify(r.body)}`);
      return r.body;
    };
    /** Home as the API would have fed it (no entrance closed, no hardship offer in these states). */
    const homeFromApi = async (session = token) => {
      const [current, line, inbox] = [await api('/v1/me/bills/current', session), await api('/v1/me/credit-line', session), await api('/v1/me/inbox', session)];
      return homePage(view('/portal'), current, line, { unread: inbox.unread, entranceMoved: false, hardshipOffers: 0 }).text;
    };
    const billsFromApi = async (session = token) =>
      billsPage(view('/portal/bills'), await api('/v1/me/bills', session), (await api('/v1/me/plans', session)).plans).text;
    const samePages = async (label: string, session = token) => {
      const [home, bills] = [await page('/portal', session), await page('/portal/bills', session)];
      assert.equal(home.status, 200, label);
      assert.equal(bills.status, 200, label);
      assert.equal(home.body, await homeFromApi(session), `${label}: home as the API shows it`);
      assert.equal(bills.body, await billsFromApi(session), `${label}: bills as the API shows them`);
      return { home: home.body, bills: bills.body };
    };

    before(async () => {
      t = await startTestApp(target, {}, '2026-01-05');
      store = await seedTestStore(t);
      phone = await buy(t, store, '13800138011', 'fee-12', '6000.00', 'RM-1', 'Xiaomi 15 Pro');
      await buy(t, store, '13800138011', 'free-3', '3000.00', 'RM-2', 'Redmi Buds 6 Pro');
      const other = await buy(t, store, '13800138012', 'fee-12', '1200.00', 'RM-3', 'Kindle');
      await t.setBusinessDate('2026-02-08');
      token = await sessionFor(t, phone.customerId);
      otherToken = await sessionFor(t, other.customerId);
    });
    after(() => t.close());

    it('shows the issued February bill exactly as the API does, and only this customer\'s plans', async () => {
      const { home, bills } = await samePages('bill issued');
      assert.match(home, /data-testid="total-to-pay">¥1,536\.00</);
      assert.match(bills, /Xiaomi 15 Pro/);
      assert.match(bills, /Redmi Buds 6 Pro/);
      assert.doesNotMatch(bills, /Kindle/);
      const theirs = await samePages('the other customer', otherToken);
      assert.match(theirs.bills, /Kindle/);
      assert.doesNotMatch(theirs.bills, /Xiaomi/);
    });

    it('shows a paid bill as paid on the next load', async () => {
      const current = await api('/v1/me/bills/current');
      const due = current.bill.dueDate as string;
      const paid = await t.api('POST', '/v1/me/repayments', { token, key: 'rm-pay-feb', body: { kind: 'bill', dueDate: due, amount: current.bill.outstanding, channel: 'sandbox' } });
      assert.equal(paid.status, 201, JSON.stringify(paid.body));
      const { home, bills } = await samePages('bill paid');
      assert.match(home, /data-testid="total-to-pay">✓ /, 'nothing to pay now');
      assert.match(bills, new RegExp(`<details class="bill-line" data-due="${due}">[\\s\\S]*?badge paid`));
      assert.deepEqual((await checkLedger(t.deps.db)).ok, true);
    });

    it('shows an overdue bill with its late charges exactly as the API does', async () => {
      await t.setBusinessDate('2026-04-20');
      token = await sessionFor(t, phone.customerId); // the clock moved on past the old session's life
      const { home, bills } = await samePages('overdue');
      assert.match(home, /class="alert danger" role="alert"/);
      assert.match(bills, /badge overdue/);
    });

    it('sends a logged-out or expired session to the login page', async () => {
      const again = await sessionFor(t, phone.customerId);
      assert.equal((await page('/portal/bills', again)).status, 200);
      const out = await t.api('POST', '/v1/auth/logout', { token: again });
      assert.ok(out.status < 300, JSON.stringify(out.body));
      for (const url of ['/portal', '/portal/bills']) {
        const r = await page(url, again);
        assert.equal(r.status, 303, url);
        assert.match(String(r.location), /^\/portal\/login/);
      }
      assert.equal((await page('/portal', 'fqs_not-a-session')).status, 303);
      t.clock.set(new Date(t.clock.now().getTime() + 400 * 86_400_000));
      assert.equal((await page('/portal', token)).status, 303, 'expired');
      assert.equal((await t.api('GET', '/v1/me/bills', { token })).status, 401, 'the API agrees');
    });
  });
}
