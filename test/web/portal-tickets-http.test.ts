import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { checkout, seedTestStore, sessionFor } from '../support/store.ts';
import { closeTo } from '../close/support.ts';
import { openEntrance, shanghai, staffKey, type Staff } from '../collections/support.ts';

/**
 * The help centre's tickets and the hardship offer page over HTTP: a customer files a ticket
 * with a category, sees it listed, an agent resolves it through the service API, the customer
 * sees "resolved" and closes it; another customer's ticket is a 404; an offer made through
 * the collections API shows in the portal with its exact schedule, and accepting it shows
 * the API's refusal when it refuses.
 */
for (const target of testDatabases()) {
  describe(`the portal's tickets and hardship offers on ${target.name}`, () => {
    let t: TestApp;
    let agent: Staff;
    let planA: { id: string; customerId: string };
    let planB: { id: string; customerId: string };
    let cookieA: string;
    let cookieB: string;
    let ticketId = '';

    type Res = { status: number; body: string; location: unknown };
    const get = async (url: string, cookie: string): Promise<Res> => {
      const r = await t.app.inject({ method: 'GET', url, headers: { cookie } });
      return { status: r.statusCode, body: r.body, location: r.headers.location };
    };
    const post = async (url: string, fields: Record<string, string>, cookie: string): Promise<Res> => {
      const r = await t.app.inject({ method: 'POST', url, payload: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', cookie } });
      return { status: r.statusCode, body: r.body, location: r.headers.location };
    };
    const field = (body: string, name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(body)?.[1];

    before(async () => {
      t = await startTestApp(target);
      const store = await seedTestStore(t);
      await openEntrance(t);
      agent = await staffKey(t, 'agent', 'web2-agent');
      planA = await checkout(t, store, '13700000051', 'free-12', '1200.00', 'tk-A');
      planB = await checkout(t, store, '13700000052', 'free-12', '1200.00', 'tk-B');
      // Unpaid since the first due date (2026-02-10): overdue with a penalty, so an agent may offer a restructure.
      await closeTo(t, '2026-02-20');
      t.clock.set(shanghai('2026-02-21', '10:00'));
      cookieA = `fq_session=${await sessionFor(t, planA.customerId)}`;
      cookieB = `fq_session=${await sessionFor(t, planB.customerId)}`;
    });
    after(async () => { await t.close(); });

    it('links the help centre to the ticket form, which offers every category in Chinese and English', async () => {
      const help = await get('/portal/help', cookieA);
      assert.match(help.body, /<a class="btn" href="\/portal\/help\/tickets\/new">联系客服<\/a>/);
      assert.match(help.body, /<a href="\/portal\/help\/tickets">我的工单 ›<\/a>/);
      const form = await get('/portal/help/tickets/new', cookieA);
      assert.equal(form.status, 200);
      for (const label of ['找不到还款入口', '还款失败', '已扣款未入账', '费用争议', '退款', '注销账户', '其他']) assert.match(form.body, new RegExp(`<span class="grow">${label}</span>`), label);
      assert.match(field(form.body, 'key') ?? '', /^[0-9a-f-]{36}$/, 'an idempotency key per rendered form');
      const en = await get('/portal/help/tickets/new?lang=en', cookieA);
      assert.match(en.body, /<span class="grow">Cannot find where to repay<\/span>/);
    });

    it('files a ticket once even when the form is sent twice, and lists it with its status', async () => {
      const form = await get('/portal/help/tickets/new', cookieA);
      const key = field(form.body, 'key')!;
      const fields = { key, category: 'cannot_find_entrance', description: '原来的还款入口关了，不知道在哪里还' };
      const filed = await post('/portal/help/tickets', fields, cookieA);
      assert.equal(filed.status, 303);
      assert.equal(filed.location, '/portal/help/tickets?done=filed');
      assert.equal((await post('/portal/help/tickets', fields, cookieA)).status, 303, 'the same key answers from the record');
      const list = await get('/portal/help/tickets?done=filed', cookieA);
      assert.match(list.body, /工单已提交/);
      assert.equal(list.body.match(/data-testid="ticket"/g)?.length, 1, 'one ticket, not two');
      assert.match(list.body, /<span class="title">找不到还款入口<\/span><span class="badge ">待处理<\/span>/);
      ticketId = /href="\/portal\/help\/tickets\/([0-9a-f-]{36})"/.exec(list.body)![1]!;
    });

    it('refuses an empty description with the reason and keeps the choice', async () => {
      const r = await post('/portal/help/tickets', { key: 'web2-empty', category: 'refund', description: '' }, cookieA);
      assert.equal(r.status, 400);
      assert.match(r.body, /输入有误，请检查后重试/);
      assert.match(r.body, /value="refund" required checked/);
    });

    it('hides another customer\'s ticket behind a 404, for reading and for acting', async () => {
      assert.equal((await get(`/portal/help/tickets/${ticketId}`, cookieB)).status, 404);
      assert.equal((await post(`/portal/help/tickets/${ticketId}/comments`, { body: '偷看' }, cookieB)).status, 404);
      assert.equal((await get('/portal/help/tickets/not-a-uuid', cookieA)).status, 404);
      const mine = await get('/portal/help/tickets', cookieB);
      assert.doesNotMatch(mine.body, new RegExp(ticketId));
    });

    it('the customer replies, staff resolves through the API, the customer sees it resolved and closes it', async () => {
      const replied = await post(`/portal/help/tickets/${ticketId}/comments`, { body: '我用的是商城 App' }, cookieA);
      assert.equal(replied.status, 303);
      const resolved = await t.api('POST', `/v1/service/tickets/${ticketId}/actions`, { token: agent.token, body: { action: 'resolve', note: '已发送新的还款链接' } });
      assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
      const page = await get(`/portal/help/tickets/${ticketId}`, cookieA);
      assert.equal(page.status, 200);
      assert.match(page.body, /data-testid="ticket-status"><span class="badge overdue">已解决，待您确认<\/span>/);
      assert.match(page.body, /<p>我用的是商城 App<\/p>/);
      assert.match(page.body, /<strong>客服<\/strong> [^<]*→ 已解决，待您确认/);
      assert.match(page.body, /已解决，关闭工单/);
      const closed = await post(`/portal/help/tickets/${ticketId}/actions`, { action: 'close' }, cookieA);
      assert.equal(closed.status, 303);
      assert.equal(closed.location, `/portal/help/tickets/${ticketId}?done=close`);
      const after = await get(`/portal/help/tickets/${ticketId}?done=close`, cookieA);
      assert.match(after.body, /工单已关闭/);
      assert.match(after.body, /<span class="badge paid">已关闭<\/span>/);
      assert.doesNotMatch(after.body, /name="body"/, 'no reply form on a closed ticket');
      const twice = await post(`/portal/help/tickets/${ticketId}/actions`, { action: 'close' }, cookieA);
      assert.equal(twice.status, 409, 'closing a closed ticket is refused with its reason');
      assert.match(twice.body, /工单状态已变化/);
      assert.equal((await t.api('GET', `/v1/service/tickets/${ticketId}`, { token: agent.token })).body.status, 'closed');
    });

    it('shows a hardship offer made through the staff API with its exact schedule, and the API\'s answer to accepting it', async (ctx) => {
      const none = await get('/portal/hardship', cookieA);
      assert.match(none.body, /目前没有待您确认的协商还款方案/);
      const offer = await t.api('POST', `/v1/collections/customers/${planA.customerId}/plans/${planA.id}/hardship-offers`, { token: agent.token, body: { terms: 18, penaltyWaived: '0.00' } });
      assert.equal(offer.status, 201, JSON.stringify(offer.body));
      const s = offer.body.preview.schedule;
      const page = await get('/portal/hardship', cookieA);
      assert.equal(page.status, 200);
      assert.equal(page.body.match(/data-testid="hardship-offer"/g)?.length, 1);
      assert.equal(page.body.match(/<tr><td data-label="期数">/g)?.length, 18, 'every new installment');
      assert.match(page.body, new RegExp(`<td data-label="期数">${s[0].number}</td><td data-label="还款日">2026年3月10日</td>`));
      assert.match(page.body, new RegExp(`<strong>¥${s[17].total}</strong></td></tr></tbody>`), 'the last installment to the fen');
      assert.match(page.body, new RegExp(`<dt>调整后应还合计</dt><dd>¥${offer.body.preview.figures.owedAfter.replace(/\B(?=(\d{3})+\.)/g, ',')}</dd>`));
      assert.equal((await get('/portal/hardship', cookieB)).body.match(/data-testid="hardship-offer"/g), null, 'not shown to another customer');
      assert.match((await get('/portal', cookieA)).body, /href="\/portal\/hardship" data-testid="hardship-offer-home"/, 'home leads to the offer in one tap');
      assert.doesNotMatch((await get('/portal', cookieB)).body, /hardship-offer-home/);
      assert.equal((await post('/portal/hardship/accept', { id: offer.body.offerId, key: 'web2-steal' }, cookieB)).status, 404);

      const key = field(page.body, 'key')!;
      const accepted = await post('/portal/hardship/accept', { id: offer.body.offerId, key }, cookieA);
      const api = await t.api('GET', `/v1/collections/customers/${planA.customerId}/hardship-offers`, { token: agent.token });
      assert.equal(accepted.status, 303, accepted.body.slice(0, 300));
      assert.equal(accepted.location, '/portal/hardship?done=accepted');
      assert.equal(api.body.items[0].status, 'accepted');
      const done = await get('/portal/hardship?done=accepted', cookieA);
      assert.match(done.body, /方案已接受/);
      assert.equal(done.body.match(/data-testid="hardship-offer"/g), null, 'an accepted offer is no longer open');

      // The API's refusal is shown as such (a stale tab accepting again with a new key): never "accepted".
      const again = await post('/portal/hardship/accept', { id: offer.body.offerId, key: 'web2-again' }, cookieA);
      ctx.diagnostic(`accepting again answered ${again.status}: ${/role="alert">([^<]*)</.exec(again.body)?.[1]}`);
      assert.equal(again.status, 409);
      assert.match(again.body, /<p class="alert danger" role="alert">状态已经变化/);
      assert.doesNotMatch(again.body, /方案已接受/);
      assert.equal(field(again.body, 'key'), undefined, 'no accept form for an offer that is not open');
    });

    it('declines an offer: it leaves the page and the API records it declined', async () => {
      const offer = await t.api('POST', `/v1/collections/customers/${planB.customerId}/plans/${planB.id}/hardship-offers`, { token: agent.token, body: { terms: 6, penaltyWaived: '0.00' } });
      assert.equal(offer.status, 201, JSON.stringify(offer.body));
      const page = await get('/portal/hardship?lang=en', cookieB);
      assert.match(page.body, /<h1>Hardship repayment offer<\/h1>/);
      assert.equal(page.body.match(/<tr><td data-label="No.">/g)?.length, 6);
      const declined = await post('/portal/hardship/decline', { id: offer.body.offerId }, cookieB);
      assert.equal(declined.status, 303);
      assert.equal(declined.location, '/portal/hardship?done=declined');
      const api = await t.api('GET', `/v1/collections/customers/${planB.customerId}/hardship-offers`, { token: agent.token });
      assert.equal(api.body.items[0].status, 'declined');
      assert.equal((await get('/portal/hardship?done=declined', cookieB)).body.match(/data-testid="hardship-offer"/g), null);
    });
  });
}
