import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { seedTestStore, type TestStore } from '../support/store.ts';
import { createApiKey } from '../../src/app/admin/create-api-key.ts';
import { createMerchant } from '../../src/app/admin/create-merchant.ts';
import { getPage, postForm, staffSignIn } from './support.ts';

/**
 * Managing products, merchants (and their API keys) and partners from the dashboard: an
 * operator defines, edits and offers; the API's refusals come back next to the field they
 * name; secrets are shown once; an auditor reads but every management post is refused by
 * the API (nothing changes); an agent cannot open the dashboard at all.
 */
for (const target of testDatabases()) {
  describe(`dashboard management on ${target.name}`, () => {
    let t: TestApp;
    let store: TestStore;
    const keys: Record<'operator' | 'auditor' | 'agent' | 'supervisor', string> = { operator: '', auditor: '', agent: '', supervisor: '' };
    const sessions: Record<string, string> = {};
    const get = (url: string, role: keyof typeof keys) => getPage(t, url, `fq_staff=${sessions[role]}`);
    const post = (url: string, fields: Record<string, string>, role: keyof typeof keys) => postForm(t, url, fields, `fq_staff=${sessions[role]}`);
    /** The form's own fields as the page rendered them (inputs and selected options), for posting it back. */
    const formFields = (page: string, action: string): Record<string, string> => {
      const form = new RegExp(`<form method="post" action="${action.replace(/[/]/g, '\\/')}"[\\s\\S]*?</form>`).exec(page)?.[0];
      assert.ok(form, `a form posting to ${action}`);
      const out: Record<string, string> = {};
      for (const m of form.matchAll(/<input[^>]*name="([^"]+)"[^>]*>/g)) {
        const tag = m[0];
        if (/type="checkbox"/.test(tag) && !/ checked/.test(tag)) continue;
        out[m[1]!] = /value="([^"]*)"/.exec(tag)?.[1]?.replace(/&amp;/g, '&') ?? '';
      }
      for (const m of form.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
        out[m[1]!] = /<option value="([^"]*)" selected>/.exec(m[2]!)?.[1] ?? /<option value="([^"]*)"/.exec(m[2]!)?.[1] ?? '';
      }
      return out;
    };
    const product = (code: string) => t.deps.db.selectFrom('products').selectAll().where('code', '=', code).orderBy('version', 'desc').executeTakeFirst();

    before(async () => {
      t = await startTestApp(target, {}, '2026-01-05');
      store = await seedTestStore(t);
      for (const role of ['operator', 'auditor', 'agent', 'supervisor'] as const) {
        keys[role] = (await t.run((ctx) => createApiKey(ctx, { role, name: `${role} key` }))).token;
        // Agents cannot sign in to the dashboard; their console session, carried here, must be refused by role.
        sessions[role] = await staffSignIn(t, role === 'agent' ? 'console' : 'dashboard', keys[role]);
      }
    });
    after(async () => { await t.close(); });

    it('lists products with their terms and links every section from the navigation', async () => {
      const page = await get('/dashboard/products', 'operator');
      assert.equal(page.status, 200);
      for (const href of ['/dashboard/products', '/dashboard/merchants', '/dashboard/partners']) assert.match(page.body, new RegExp(`<a href="${href}" aria-current="page">|<a href="${href}">`));
      assert.match(page.body, /fee-12/);
      assert.match(page.body, /href="\/dashboard\/products\/new"/);
      assert.doesNotMatch(page.body, /<script|style="/i);
    });

    it('shows the API\'s refusal next to the field it names, keeping what was typed', async () => {
      const form = await get('/dashboard/products/new', 'operator');
      assert.equal(form.status, 200);
      assert.match(form.body, /<label for="f-lateChargeRule-graceDays">宽限期（天）/);
      const fields = formFields(form.body, '/dashboard/products');
      // 1.5% a month for 12 months is far above a 24% APR cap: the quote engine refuses it as "apr".
      const over = await post('/dashboard/products', { ...fields, code: 'fee-12-high', name: '12期 高费率', monthlyFeeRate: '1.5', aprCap: '24' }, 'operator');
      assert.equal(over.status, 422, over.body);
      assert.match(over.body, /<input id="f-aprCap" name="aprCap" type="text" value="24"[^>]*aria-invalid="true" aria-describedby="f-aprCap-hint f-aprCap-err">/);
      assert.match(over.body, /<span class="field-error" id="f-aprCap-err">错误：年化利率超过上限/);
      assert.match(over.body, /<a href="#f-aprCap">/);
      assert.match(over.body, /value="12期 高费率"/);
      const noRate = await post('/dashboard/products', { ...fields, code: 'fee-6', name: '6期', terms: '6', monthlyFeeRate: '' }, 'operator');
      assert.equal(noRate.status, 400, noRate.body);
      assert.match(noRate.body, /id="f-monthlyFeeRate"[^>]*aria-invalid="true"/);
      const badGrace = await post('/dashboard/products', { ...fields, code: 'fee-6', name: '6期', terms: '6', monthlyFeeRate: '0.5', 'lateChargeRule.graceDays': '500' }, 'operator');
      assert.equal(badGrace.status, 400, badGrace.body);
      assert.match(badGrace.body, /id="f-lateChargeRule-graceDays"[^>]*aria-invalid="true"/);
      assert.equal(await product('fee-6'), undefined);
    });

    it('lets an operator define a product with its servicing rules, offered at a merchant, and publish a new version', async () => {
      const form = await get('/dashboard/products/new', 'operator');
      const fields = formFields(form.body, '/dashboard/products');
      const body = {
        ...fields, code: 'fee-6', name: '6期 0.5%/月', method: 'fee-per-period', terms: '6', monthlyFeeRate: '0.5', aprCap: '24',
        'lateChargeRule.graceDays': '5', 'lateChargeRule.penaltyDailyRate': '0.04', 'lateChargeRule.lateFee': '10.00', allocationStrategy: 'principal-first',
        'payoffPolicy.remainingFees.code': 'charge-n-periods', 'payoffPolicy.remainingFees.periods': '1', 'payoffPolicy.earlyRepaymentFee.code': 'flat',
        'payoffPolicy.earlyRepaymentFee.amount': '20.00', [`merchant.${store.merchantId}`]: 'on',
      };
      const created = await post('/dashboard/products', body, 'operator');
      assert.equal(created.status, 303, created.body);
      const row = await product('fee-6');
      assert.ok(row);
      assert.match(String(created.headers.location), new RegExp(`^/dashboard/products/${row.id}\\?apr=\\d`));
      assert.equal(row.grace_days, 5);
      assert.equal(row.allocation_strategy, 'principal-first');
      assert.deepEqual(typeof row.late_charge_rule === 'string' ? JSON.parse(row.late_charge_rule) : row.late_charge_rule, {
        code: 'grace-daily-penalty', graceDays: 5, penaltyDailyRate: '0.04', penaltyBase: 'overdue-principal', penaltyStart: 'from-due-date', lateFee: 1000, rounding: 'half-up',
      });
      const offered = await t.deps.db.selectFrom('merchant_products').selectAll().where('product_id', '=', row.id).where('merchant_id', '=', store.merchantId).execute();
      assert.equal(offered.length, 1);
      const detail = await get(String(created.headers.location), 'operator');
      assert.match(detail.body, /产品已保存。¥10,000 样例的年化利率 \d+(\.\d+)?%/);
      assert.match(detail.body, /本金优先/);
      // The same form posted twice (a double click) defines the product once and lands on the same page.
      const again = await post('/dashboard/products', body, 'operator');
      assert.equal(again.status, 303, again.body);
      assert.equal(again.headers.location, created.headers.location);
      assert.equal((await t.deps.db.selectFrom('products').select('id').where('code', '=', 'fee-6').execute()).length, 1);
      const changedBody = await post('/dashboard/products', { ...body, name: '6期 改名' }, 'operator');
      assert.equal(changedBody.status, 409, 'a different body under the same form key is refused');
      const versionForm = await get(`/dashboard/products/${row.id}/new-version`, 'operator');
      const vf = formFields(versionForm.body, `/dashboard/products/${row.id}/versions`);
      assert.equal(vf.monthlyFeeRate, '0.5');
      assert.equal(vf['lateChargeRule.lateFee'], '10.00');
      const published = await post(`/dashboard/products/${row.id}/versions`, { ...vf, monthlyFeeRate: '0.45', 'lateChargeRule.graceDays': '3' }, 'operator');
      assert.equal(published.status, 303, published.body);
      const v2 = await product('fee-6');
      assert.equal(v2!.version, 2);
      assert.equal(v2!.monthly_fee_rate, '0.45');
      assert.equal(v2!.grace_days, 3);
      assert.equal((await post(`/dashboard/products/${row.id}/merchants/${store.merchantId}/withdraw`, {}, 'operator')).status, 303);
      const unticked = await post(`/dashboard/products/${row.id}/retire`, {}, 'operator');
      assert.equal(unticked.status, 400, 'retiring needs the confirmation ticked');
      assert.equal((await product('fee-6'))!.status, 'active');
      assert.equal((await post(`/dashboard/products/${row.id}/retire`, { confirm: 'on' }, 'operator')).status, 303);
      assert.equal((await product('fee-6'))!.status, 'retired');
      const retired = await get(`/dashboard/products/${row.id}`, 'operator');
      assert.doesNotMatch(retired.body, /发布新版本|开放给商户/, 'a retired product is neither versioned nor offered');
      assert.equal((await t.deps.db.selectFrom('merchant_products').selectAll().where('product_id', '=', row.id).execute()).length, 0);
      const audit = await t.deps.db.selectFrom('audit_log').select(['action', 'actor']).where('action', 'like', 'product.%').execute();
      assert.ok(audit.filter((a) => a.action === 'product.define' && a.actor.startsWith('staff:')).length >= 2, JSON.stringify(audit));
    });

    it('creates a merchant and shows its webhook secret once; issues and revokes a key whose token is shown once', async () => {
      const bad = await post('/dashboard/merchants', { name: '京东之家', webhookUrl: 'ftp://shop.example' }, 'operator');
      assert.equal(bad.status, 400);
      assert.match(bad.body, /id="f-webhookUrl"[^>]*aria-invalid="true"/);
      const created = await post('/dashboard/merchants', { name: '京东之家', webhookUrl: 'https://shop.example/hooks' }, 'operator');
      assert.equal(created.status, 201, created.body);
      assert.equal(created.headers['cache-control'], 'no-store');
      const secret = /data-testid="secret"/.test(created.body) ? /value="(whsec_[^"]+)"/.exec(created.body)?.[1] : undefined;
      assert.ok(secret, 'the secret is on the page');
      const merchant = await t.deps.db.selectFrom('merchants').selectAll().where('name', '=', '京东之家').executeTakeFirstOrThrow();
      assert.equal(merchant.webhook_secret, secret);
      const detail = await get(`/dashboard/merchants/${merchant.id}`, 'operator');
      assert.equal(detail.status, 200);
      assert.doesNotMatch(detail.body, new RegExp(secret));
      assert.doesNotMatch((await get('/dashboard/merchants', 'operator')).body, new RegExp(secret));

      const issued = await post(`/dashboard/merchants/${merchant.id}/keys`, { keyName: '收银系统' }, 'operator');
      assert.equal(issued.status, 201, issued.body);
      const token = /value="(fqk_[^"]+)"/.exec(issued.body)?.[1];
      assert.ok(token);
      const probe = `/v1/merchant/plans/${t.deps.ids.next()}`;
      const works = await t.app.inject({ method: 'GET', url: probe, headers: { authorization: `Bearer ${token}` } });
      assert.equal(works.statusCode, 404, 'the new key authenticates as the merchant (and finds no such plan)');
      const listed = await get(`/dashboard/merchants/${merchant.id}`, 'operator');
      assert.match(listed.body, /收银系统/);
      assert.doesNotMatch(listed.body, new RegExp(token));
      const keyId = /action="\/dashboard\/merchants\/[0-9a-f-]+\/keys\/([0-9a-f-]{36})\/revoke"/.exec(listed.body)?.[1];
      assert.ok(keyId);
      assert.equal((await post(`/dashboard/merchants/${merchant.id}/keys/${keyId}/revoke`, {}, 'operator')).status, 303);
      const after = await t.app.inject({ method: 'GET', url: probe, headers: { authorization: `Bearer ${token}` } });
      assert.equal(after.statusCode, 401);
      const noName = await post(`/dashboard/merchants/${merchant.id}/keys`, { keyName: '' }, 'operator');
      assert.equal(noName.status, 400);
      assert.match(noName.body, /id="f-keyName"[^>]*aria-invalid="true"/);

      const renamed = await post(`/dashboard/merchants/${merchant.id}/edit`, { name: '京东之家 旗舰店', webhookUrl: '' }, 'operator');
      assert.equal(renamed.status, 303);
      const m2 = await t.deps.db.selectFrom('merchants').selectAll().where('id', '=', merchant.id).executeTakeFirstOrThrow();
      assert.equal(m2.name, '京东之家 旗舰店');
      assert.equal(m2.webhook_url, null);
      const offer = await post(`/dashboard/merchants/${merchant.id}/offer`, { productId: store.products['fee-12']! }, 'operator');
      assert.equal(offer.status, 303);
      assert.match((await get(`/dashboard/merchants/${merchant.id}`, 'operator')).body, /fee-12/);
    });

    it('creates one merchant and issues one key when a form is sent twice, showing the secret only the first time', async () => {
      const form = await get('/dashboard/merchants', 'operator');
      const idem = /action="\/dashboard\/merchants" class="manage" novalidate><input type="hidden" name="idem" value="([0-9a-f-]{36})">/.exec(form.body)?.[1];
      assert.ok(idem, 'the new-merchant form carries its key');
      const fields = { idem, name: '双击商店', webhookUrl: 'https://double.example/hooks' };
      const first = await post('/dashboard/merchants', fields, 'operator');
      assert.equal(first.status, 201);
      const second = await post('/dashboard/merchants', fields, 'operator');
      const merchants = await t.deps.db.selectFrom('merchants').select('id').where('name', '=', '双击商店').execute();
      assert.equal(merchants.length, 1, 'one merchant');
      assert.deepEqual([second.status, second.headers.location], [303, `/dashboard/merchants/${merchants[0]!.id}?replayed=1`]);
      const told = await get(String(second.headers.location), 'operator');
      assert.match(told.body, /这张表单已经提交过/);
      assert.doesNotMatch(told.body, /whsec_/);

      const keyIdem = /\/keys" class="manage" novalidate><input type="hidden" name="idem" value="([0-9a-f-]{36})">/.exec(told.body)?.[1];
      assert.ok(keyIdem, 'the key form carries its key');
      const issued = await post(`/dashboard/merchants/${merchants[0]!.id}/keys`, { idem: keyIdem, keyName: '收银' }, 'operator');
      assert.equal(issued.status, 201);
      const again = await post(`/dashboard/merchants/${merchants[0]!.id}/keys`, { idem: keyIdem, keyName: '收银' }, 'operator');
      assert.equal(again.status, 303);
      assert.equal((await t.deps.db.selectFrom('api_keys').select('id').where('merchant_id', '=', merchants[0]!.id).execute()).length, 1, 'one key');
    });

    it('adds a partner with products, quota and co-lending shares, and changes its priority and quota', async () => {
      const form = await get('/dashboard/partners/new', 'operator');
      assert.equal(form.status, 200);
      const fields = formFields(form.body, '/dashboard/partners');
      const a = await post('/dashboard/partners', { ...fields, code: 'bank-a', name: '甲银行', priority: '10', quota: '1000000.00', [`product.${store.products['fee-12']}`]: 'on' }, 'operator');
      assert.equal(a.status, 303, a.body);
      const bankA = await t.deps.db.selectFrom('partners').selectAll().where('code', '=', 'bank-a').executeTakeFirstOrThrow();
      assert.equal(Number(bankA.quota_fen), 100_000_000);
      const bForm = formFields((await get('/dashboard/partners/new', 'operator')).body, '/dashboard/partners');
      const badShares = await post('/dashboard/partners', { ...bForm, code: 'bank-b', name: '乙银行', priority: '20', quota: '500000.00', 'lenders.0.percent': '70', 'lenders.1.partnerId': bankA.id, 'lenders.1.percent': '20' }, 'operator');
      assert.ok(badShares.status >= 400, 'shares must sum to 100');
      assert.match(badShares.body, /aria-invalid="true"|class="field-error"/);
      assert.match(badShares.body, /class="alert danger" role="alert" id="form-errors"/);
      const b = await post('/dashboard/partners', { ...bForm, code: 'bank-b', name: '乙银行', priority: '20', quota: '500000.00', 'lenders.0.percent': '70', 'lenders.1.partnerId': bankA.id, 'lenders.1.percent': '30' }, 'operator');
      assert.equal(b.status, 303, b.body);
      const list = await get('/dashboard/partners', 'operator');
      assert.match(list.body, /bank-b 70% · bank-a 30%/);
      const bankB = await t.deps.db.selectFrom('partners').selectAll().where('code', '=', 'bank-b').executeTakeFirstOrThrow();
      const edit = formFields((await get(`/dashboard/partners/${bankB.id}`, 'operator')).body, `/dashboard/partners/${bankB.id}`);
      assert.equal(edit['lenders.1.partnerId'], bankA.id);
      const changed = await post(`/dashboard/partners/${bankB.id}`, { ...edit, priority: '5', quota: '600000.00' }, 'operator');
      assert.equal(changed.status, 303, changed.body);
      const after = await t.deps.db.selectFrom('partners').selectAll().where('id', '=', bankB.id).executeTakeFirstOrThrow();
      assert.equal(after.priority, 5);
      assert.equal(Number(after.quota_fen), 60_000_000);
    });

    it('lets an auditor read every management page but refuses each action, changing nothing', async () => {
      for (const url of ['/dashboard/products', '/dashboard/merchants', '/dashboard/partners', `/dashboard/merchants/${store.merchantId}`]) {
        const page = await get(url, 'auditor');
        assert.equal(page.status, 200, url);
        assert.match(page.body, /只读：您的角色可以查看，不能修改。/, url);
        assert.doesNotMatch(page.body, /新建产品|创建商户|签发 API 密钥|新建资金方|>吊销</, url);
      }
      const productsBefore = await t.deps.db.selectFrom('products').select('id').execute();
      const merchantsBefore = await t.deps.db.selectFrom('merchants').select('id').execute();
      const partnersBefore = await t.deps.db.selectFrom('partners').select(['id', 'priority']).orderBy('id').execute();
      const fee12 = store.products['fee-12']!;
      const tries: [string, Record<string, string>][] = [
        ['/dashboard/products', { code: 'aud-1', name: 'x', method: 'fee-per-period', terms: '6', monthlyFeeRate: '0.5', aprCap: '24', 'lateChargeRule.graceDays': '3', 'lateChargeRule.penaltyBase': 'overdue-principal', 'lateChargeRule.penaltyStart': 'from-due-date', 'lateChargeRule.rounding': 'half-up' }],
        [`/dashboard/products/${fee12}/versions`, { name: 'x', method: 'fee-per-period', terms: '12', monthlyFeeRate: '0.1', aprCap: '24', 'lateChargeRule.graceDays': '3', 'lateChargeRule.penaltyBase': 'overdue-principal', 'lateChargeRule.penaltyStart': 'from-due-date', 'lateChargeRule.rounding': 'half-up' }],
        [`/dashboard/products/${fee12}/retire`, { confirm: 'on' }],
        [`/dashboard/products/${fee12}/merchants/${store.merchantId}/withdraw`, {}],
        ['/dashboard/merchants', { name: 'auditor shop' }],
        [`/dashboard/merchants/${store.merchantId}/edit`, { name: 'renamed by auditor' }],
        [`/dashboard/merchants/${store.merchantId}/keys`, { keyName: 'key by auditor' }],
        ['/dashboard/partners', { code: 'aud-bank', name: 'x', priority: '1', quota: '1.00', status: 'active' }],
      ];
      for (const [url, fields] of tries) {
        const r = await post(url, fields, 'auditor');
        assert.equal(r.status, 403, `${url}: ${r.status}`);
        assert.match(r.body, /您的角色不能执行这个操作/, url);
        assert.doesNotMatch(r.body, /whsec_|fqk_/, url);
      }
      assert.deepEqual(await t.deps.db.selectFrom('products').select('id').execute(), productsBefore);
      assert.deepEqual(await t.deps.db.selectFrom('merchants').select('id').execute(), merchantsBefore);
      assert.deepEqual(await t.deps.db.selectFrom('partners').select(['id', 'priority']).orderBy('id').execute(), partnersBefore);
      assert.equal((await t.deps.db.selectFrom('merchant_products').selectAll().where('product_id', '=', fee12).where('merchant_id', '=', store.merchantId).execute()).length, 1);
      assert.equal((await t.deps.db.selectFrom('api_keys').selectAll().where('name', '=', 'key by auditor').execute()).length, 0);
    });

    it('keeps API keys from a supervisor and keeps agents out of management entirely', async () => {
      const page = await get(`/dashboard/merchants/${store.merchantId}`, 'supervisor');
      assert.equal(page.status, 200);
      assert.match(page.body, /只有运营可以查看和管理 API 密钥。/);
      for (const [method, url] of [['GET', '/dashboard/products'], ['GET', '/dashboard/products/new'], ['POST', '/dashboard/merchants'], ['POST', `/dashboard/merchants/${store.merchantId}/keys`], ['POST', '/dashboard/partners']] as const) {
        const r = method === 'GET' ? await get(url, 'agent') : await post(url, { name: 'agent tries', keyName: 'agent key' }, 'agent');
        assert.equal(r.status, 403, `${method} ${url}`);
      }
      assert.equal((await t.deps.db.selectFrom('merchants').select('id').where('name', '=', 'agent tries').execute()).length, 0);
    });

    it('lists every merchant in the pickers and the list, beyond the API\'s first page of 200', async () => {
      for (let i = 0; i < 201; i++) await t.run((ctx) => createMerchant(ctx, { name: `Roster shop ${String(i).padStart(3, '0')}` }));
      const total = (await t.deps.db.selectFrom('merchants').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
      assert.ok(Number(total) > 200);
      const picker = await get('/dashboard/products/new', 'operator');
      for (const name of ['Roster shop 000', 'Roster shop 200']) assert.ok(picker.body.includes(name), `product form offers ${name}`);
      assert.equal((picker.body.match(/name="merchant\.[0-9a-f-]{36}"/g) ?? []).length, Number(total), 'one checkbox per merchant');
      const listed = await get('/dashboard/merchants', 'operator');
      for (const name of ['Roster shop 000', 'Roster shop 200']) assert.ok(listed.body.includes(name), `merchant list shows ${name}`);
    });

    it('refuses a cross-site management post, and shows the pages in English', async () => {
      const r = await t.app.inject({ method: 'POST', url: '/dashboard/merchants', payload: 'name=evil', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `fq_staff=${sessions.operator}`, origin: 'https://evil.example', host: 'localhost' } });
      assert.equal(r.statusCode, 403);
      const site = await t.app.inject({ method: 'POST', url: '/dashboard/merchants', payload: 'name=evil', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `fq_staff=${sessions.operator}`, 'sec-fetch-site': 'cross-site' } });
      assert.equal(site.statusCode, 403);
      assert.equal((await t.deps.db.selectFrom('merchants').select('id').where('name', '=', 'evil').execute()).length, 0);
      const en = await get('/dashboard/products/new?lang=en', 'operator');
      assert.match(en.body, /<label for="f-aprCap">APR cap \(%\)/);
      assert.match(en.body, /Grace and late charges/);
    });
  });
}
