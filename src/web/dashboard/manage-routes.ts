import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { html } from '../html.ts';
import { alert } from '../portal/layout.ts';
import { isUuid } from '../api-client.ts';
import { seeOther, sendPage } from '../request-context.ts';
import { given, refusalText, ticked, toFieldError, wholeOr, type FormState, type Values } from './forms.ts';
import { dashboardPage, type DashboardView } from './layout.ts';
import { KEY_FIELDS, MERCHANT_FIELDS, merchantPage, merchantsPage, secretOncePage } from './pages/merchants.ts';
import { LENDER_ROWS, PARTNER_FIELDS, partnerFormPage, partnersPage, partnerValues } from './pages/partners.ts';
import { productFormPage, productPage, productsPage } from './pages/products.ts';
import { dashboardPaths } from './paths.ts';
import { newProductValues, PRODUCT_FIELDS, productBody, productValues } from './product-form.ts';
import { StaffApi, type StaffAnswer } from './staff-api.ts';
import { DASHBOARD, may, type Staff } from './staff-auth.ts';

type StaffHandler = (v: DashboardView, staff: Staff, req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;
type Refusal = Extract<StaffAnswer<unknown>, { ok: false }>;
export interface ManageKit {
  staffPage(handler: StaffHandler): (req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;
}
interface Ctx { v: DashboardView; staff: Staff; api: StaffApi; req: FastifyRequest; reply: FastifyReply; form: Values; params: Record<string, string> }

const freshState = (values: Values = {}): FormState => ({ values, formKey: randomUUID() });
/** The form's idempotency key, if it is one we could have rendered. */
const formKeyOf = (f: Values): string | undefined => (f.idem && isUuid(f.idem) ? f.idem : undefined);
const list = <T>(r: StaffAnswer<{ items: T[] }>): T[] => (r.ok ? r.body.items : []);

/**
 * Products, merchants (with their API keys) and partners, managed from the dashboard. Every
 * change is a call to the admin API in-process (StaffApi): its role checks (an operator acts,
 * an auditor only reads — the API refuses the auditor even if the form is posted by hand),
 * its validation and error codes, its audit log and idempotency. Post/redirect/get on
 * success; on refusal the form comes back as typed with the error next to its field.
 */
export function manageRoutes(app: FastifyInstance, kit: ManageKit): void {
  const hidden = { schema: { hide: true } };
  const route = (handler: (x: Ctx) => Promise<FastifyReply>) => kit.staffPage(async (v, staff, req, reply) => {
    const params = req.params as Record<string, string>;
    if (Object.values(params).some((p) => !isUuid(p))) return notFound(v, reply);
    return handler({ v, staff, api: new StaffApi(app, staff, req.ip), req, reply, form: (req.body ?? {}) as Values, params });
  });
  const notFound = (v: DashboardView, reply: FastifyReply) =>
    sendPage(reply, dashboardPage(v, { title: v.d.problem.not_found! }, html`<h1>${v.d.problem.not_found}</h1>${alert('danger', v.d.problem.not_found!)}`), 404);
  const flash = (x: Ctx): { notice?: string; error?: string } => {
    const q = x.req.query as Values;
    if (q.err) return { error: x.v.d.refused(x.v.d.problem[q.err] ?? q.err.slice(0, 60)) };
    if (q.apr && /^\d{1,4}(\.\d{1,4})?$/.test(q.apr)) return { notice: x.v.d.sampleApr(q.apr) };
    if (q.replayed) return { notice: x.v.d.alreadySubmitted };
    return q.done ? { notice: x.v.d.done } : {};
  };
  const back = (to: string, r: StaffAnswer<unknown>) => (r.ok ? `${to}?done=1` : `${to}?err=${encodeURIComponent(r.code)}`);

  // ── Products ───────────────────────────────────────────────────────────────
  /**
   * Every merchant, page by page: the pickers (products offered, partners' merchants) and the list
   * must show a store's whole roster, not the API's first page. Bounded at 50 pages (10,000
   * merchants), beyond which a picker of checkboxes stops being usable anyway.
   */
  const merchantsOf = async (api: StaffApi) => {
    const all: any[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 50; page++) {
      const r: StaffAnswer<{ items: any[]; nextCursor: string | null }> = await api.call('GET', `/v1/admin/merchants?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      if (!r.ok) break;
      all.push(...r.body.items);
      cursor = r.body.nextCursor;
      if (!cursor) break;
    }
    return all;
  };

  app.get(dashboardPaths.products, hidden, route(async (x) =>
    sendPage(x.reply, productsPage(x.v, { products: list(await x.api.call('GET', '/v1/admin/products')), ...flash(x) }))));

  const productForm = async (x: Ctx, state: FormState, status = 200) =>
    sendPage(x.reply, productFormPage(x.v, { mode: 'new', merchants: await merchantsOf(x.api), state }), status);
  app.get(dashboardPaths.newProduct, hidden, route(async (x) => productForm(x, freshState(newProductValues()))));

  app.post(dashboardPaths.products, hidden, route(async (x) => {
    const r = await x.api.call<{ productId: string; sampleApr: string }>('POST', '/v1/admin/products', productBody(x.form, true), formKeyOf(x.form));
    if (!r.ok) return productForm(x, { values: x.form, formKey: randomUUID(), error: toFieldError(x.v.d, r, PRODUCT_FIELDS) }, r.status);
    // Offering the product is the merchant's own API call (PUT), one per merchant ticked.
    for (const merchantId of ticked(x.form, 'merchant').filter(isUuid)) {
      const offered = await x.api.call('PUT', `/v1/admin/merchants/${merchantId}/products/${r.body.productId}`);
      if (!offered.ok) return seeOther(x.reply, back(dashboardPaths.product(r.body.productId), offered));
    }
    return seeOther(x.reply, `${dashboardPaths.product(r.body.productId)}?apr=${encodeURIComponent(r.body.sampleApr)}`);
  }));

  const productDetail = async (x: Ctx, id: string, extra: { notice?: string; error?: string } = {}, status = 200) => {
    const p = await x.api.call('GET', `/v1/admin/products/${id}`);
    if (!p.ok) return notFound(x.v, x.reply);
    return sendPage(x.reply, productPage(x.v, { product: p.body, merchants: await merchantsOf(x.api), ...extra }), status);
  };
  app.get(`${DASHBOARD}/products/:productId`, hidden, route(async (x) => productDetail(x, x.params.productId!, flash(x))));

  const versionForm = async (x: Ctx, state: FormState | null, status = 200) => {
    const p = await x.api.call<any>('GET', `/v1/admin/products/${x.params.productId}`);
    if (!p.ok) return notFound(x.v, x.reply);
    const current = p.body.versions[0];
    return sendPage(x.reply, productFormPage(x.v, {
      mode: 'version', productId: p.body.productId, productName: current.name, merchants: [], state: state ?? freshState(productValues(current)),
    }), status);
  };
  app.get(`${DASHBOARD}/products/:productId/new-version`, hidden, route(async (x) => versionForm(x, null)));
  app.post(`${DASHBOARD}/products/:productId/versions`, hidden, route(async (x) => {
    const r = await x.api.call<{ sampleApr: string }>('POST', `/v1/admin/products/${x.params.productId}/versions`, productBody(x.form, false), formKeyOf(x.form));
    if (!r.ok) return versionForm(x, { values: x.form, formKey: randomUUID(), error: toFieldError(x.v.d, r, PRODUCT_FIELDS) }, r.status);
    return seeOther(x.reply, `${dashboardPaths.product(x.params.productId!)}?apr=${encodeURIComponent(r.body.sampleApr)}`);
  }));
  app.post(`${DASHBOARD}/products/:productId/retire`, hidden, route(async (x) => {
    // Retiring cannot be undone: the form asks for a tick (required in the browser, checked here too).
    if (x.form.confirm !== 'on') return productDetail(x, x.params.productId!, { error: x.v.d.retireUnconfirmed }, 400);
    const r = await x.api.call('POST', `/v1/admin/products/${x.params.productId}/retire`);
    return r.ok ? seeOther(x.reply, back(dashboardPaths.product(x.params.productId!), r)) : productDetail(x, x.params.productId!, { error: x.v.d.refused(refusalText(x.v.d, r)) }, r.status);
  }));
  for (const action of ['offer', 'withdraw'] as const) {
    app.post(`${DASHBOARD}/products/:productId/merchants/:merchantId/${action}`, hidden, route(async (x) => {
      const { productId, merchantId } = x.params as { productId: string; merchantId: string };
      const r = await x.api.call(action === 'offer' ? 'PUT' : 'DELETE', `/v1/admin/merchants/${merchantId}/products/${productId}`);
      const to = x.form.back === 'merchant' ? dashboardPaths.merchant(merchantId) : dashboardPaths.product(productId);
      return r.ok ? seeOther(x.reply, back(to, r)) : refused(x, r, to);
    }));
  }
  /** A refused one-button action: the page it came from, with the reason, under the API's status. */
  const refused = async (x: Ctx, r: Refusal, to: string) => {
    if (to.startsWith(`${DASHBOARD}/products/`)) return productDetail(x, to.slice(`${DASHBOARD}/products/`.length), { error: x.v.d.refused(refusalText(x.v.d, r)) }, r.status);
    return merchantDetail(x, to.slice(`${DASHBOARD}/merchants/`.length), { error: x.v.d.refused(refusalText(x.v.d, r)) }, r.status);
  };

  // ── Merchants and API keys ─────────────────────────────────────────────────
  const merchantList = async (x: Ctx, state: FormState, status = 200, notice?: string) =>
    sendPage(x.reply, merchantsPage(x.v, { merchants: await merchantsOf(x.api), state, ...(notice ? { notice } : {}) }), status);
  app.get(dashboardPaths.merchants, hidden, route(async (x) => merchantList(x, freshState(), 200, flash(x).notice)));

  /**
   * The new merchant's webhook secret is in the first answer only. The form's key makes a double
   * submit create one merchant: the API answers the retry without the secret (it never stores it),
   * and the page says the form was already sent.
   */
  app.post(dashboardPaths.merchants, hidden, route(async (x) => {
    const webhookUrl = given(x.form, 'webhookUrl');
    const r = await x.api.call<{ merchantId: string; name: string; webhookSecret: string | null }>('POST', '/v1/admin/merchants', { name: given(x.form, 'name') ?? '', ...(webhookUrl ? { webhookUrl } : {}) }, formKeyOf(x.form));
    if (!r.ok) return merchantList(x, { values: x.form, formKey: randomUUID(), error: toFieldError(x.v.d, r, MERCHANT_FIELDS) }, r.status);
    if (r.body.webhookSecret === null) return seeOther(x.reply, `${dashboardPaths.merchant(r.body.merchantId)}?replayed=1`);
    return sendPage(x.reply, secretOncePage(x.v, { title: x.v.d.merchantCreated, label: x.v.d.webhookSecret, secret: r.body.webhookSecret, merchantId: r.body.merchantId, merchantName: r.body.name }), 201);
  }));

  const merchantDetail = async (x: Ctx, id: string, extra: { notice?: string; error?: string; edit?: FormState; keyForm?: FormState } = {}, status = 200) => {
    const m = await x.api.call<any>('GET', `/v1/admin/merchants/${id}`);
    if (!m.ok) return notFound(x.v, x.reply);
    const [keys, products] = await Promise.all([
      may(x.staff, 'keys') ? x.api.call<{ items: any[] }>('GET', `/v1/admin/api-keys?merchantId=${id}&includeRevoked=true&limit=200`) : null,
      x.api.call<{ items: any[] }>('GET', '/v1/admin/products?status=active'),
    ]);
    return sendPage(x.reply, merchantPage(x.v, {
      merchant: m.body, keys: keys && keys.ok ? keys.body.items : null, products: list(products),
      edit: extra.edit ?? freshState({ name: m.body.name, webhookUrl: m.body.webhookUrl ?? '' }), keyForm: extra.keyForm ?? freshState(),
      ...(extra.notice ? { notice: extra.notice } : {}), ...(extra.error ? { error: extra.error } : {}),
    }), status);
  };
  app.get(`${DASHBOARD}/merchants/:merchantId`, hidden, route(async (x) => merchantDetail(x, x.params.merchantId!, flash(x))));

  app.post(`${DASHBOARD}/merchants/:merchantId/edit`, hidden, route(async (x) => {
    const id = x.params.merchantId!;
    const r = await x.api.call('PATCH', `/v1/admin/merchants/${id}`, { name: given(x.form, 'name') ?? '', webhookUrl: given(x.form, 'webhookUrl') ?? null });
    if (!r.ok) return merchantDetail(x, id, { edit: { values: x.form, formKey: randomUUID(), error: toFieldError(x.v.d, r, MERCHANT_FIELDS) } }, r.status);
    return seeOther(x.reply, back(dashboardPaths.merchant(id), r));
  }));
  app.post(`${DASHBOARD}/merchants/:merchantId/offer`, hidden, route(async (x) => {
    const id = x.params.merchantId!;
    const productId = x.form.productId ?? '';
    if (!isUuid(productId)) return merchantDetail(x, id, { error: x.v.d.refused(x.v.d.problem.validation_failed!) }, 400);
    const r = await x.api.call('PUT', `/v1/admin/merchants/${id}/products/${productId}`);
    return r.ok ? seeOther(x.reply, back(dashboardPaths.merchant(id), r)) : refused(x, r, dashboardPaths.merchant(id));
  }));

  /** A merchant API key: the token is in the first answer only; a double submit issues one key (as for merchants). */
  app.post(`${DASHBOARD}/merchants/:merchantId/keys`, hidden, route(async (x) => {
    const id = x.params.merchantId!;
    const r = await x.api.call<{ token: string | null }>('POST', '/v1/admin/api-keys', { role: 'merchant', merchantId: id, name: given(x.form, 'keyName') ?? '' }, formKeyOf(x.form));
    if (!r.ok) {
      const error = toFieldError(x.v.d, { ...r, ...(r.field === 'name' ? { field: 'keyName' } : {}) }, KEY_FIELDS);
      return merchantDetail(x, id, { keyForm: { values: x.form, formKey: randomUUID(), error } }, r.status);
    }
    if (r.body.token === null) return seeOther(x.reply, `${dashboardPaths.merchant(id)}?replayed=1`);
    const m = await x.api.call<{ name: string }>('GET', `/v1/admin/merchants/${id}`);
    return sendPage(x.reply, secretOncePage(x.v, { title: x.v.d.keyIssued, label: x.v.d.token, secret: r.body.token, merchantId: id, merchantName: m.ok ? m.body.name : x.v.d.merchantsTitle }), 201);
  }));
  app.post(`${DASHBOARD}/merchants/:merchantId/keys/:keyId/revoke`, hidden, route(async (x) => {
    const id = x.params.merchantId!;
    const r = await x.api.call('POST', `/v1/admin/api-keys/${x.params.keyId}/revoke`);
    return r.ok ? seeOther(x.reply, back(dashboardPaths.merchant(id), r)) : refused(x, r, dashboardPaths.merchant(id));
  }));

  // ── Partners ───────────────────────────────────────────────────────────────
  const partnerLists = async (api: StaffApi) => {
    const [partners, products, merchants] = await Promise.all([
      api.call<{ items: any[] }>('GET', '/v1/admin/partners'), api.call<{ items: any[] }>('GET', '/v1/admin/products?status=active'), merchantsOf(api),
    ]);
    return { partners: list(partners), products: list(products), merchants };
  };
  app.get(dashboardPaths.partners, hidden, route(async (x) => {
    const { partners, products } = await partnerLists(x.api);
    return sendPage(x.reply, partnersPage(x.v, { partners, products, ...flash(x) }));
  }));
  const partnerForm = async (x: Ctx, mode: 'new' | 'edit', state: FormState | null, status = 200) => {
    const lists = await partnerLists(x.api);
    let partner: any;
    if (mode === 'edit') {
      const p = await x.api.call('GET', `/v1/admin/partners/${x.params.partnerId}`);
      if (!p.ok) return notFound(x.v, x.reply);
      partner = p.body;
    }
    return sendPage(x.reply, partnerFormPage(x.v, { mode, partner, ...lists, state: state ?? freshState(partner ? partnerValues(partner) : { priority: '100', status: 'active' }) }), status);
  };
  app.get(dashboardPaths.newPartner, hidden, route(async (x) => partnerForm(x, 'new', null)));
  app.get(`${DASHBOARD}/partners/:partnerId`, hidden, route(async (x) => partnerForm(x, 'edit', null)));

  app.post(dashboardPaths.partners, hidden, route(async (x) => {
    const r = await x.api.call('POST', '/v1/admin/partners', { code: given(x.form, 'code') ?? '', ...partnerBody(x.form) }, formKeyOf(x.form));
    if (!r.ok) return partnerForm(x, 'new', { values: x.form, formKey: randomUUID(), error: toFieldError(x.v.d, r, PARTNER_FIELDS) }, r.status);
    return seeOther(x.reply, `${dashboardPaths.partners}?done=1`);
  }));
  app.post(`${DASHBOARD}/partners/:partnerId`, hidden, route(async (x) => {
    const r = await x.api.call('PATCH', `/v1/admin/partners/${x.params.partnerId}`, partnerBody(x.form), formKeyOf(x.form));
    if (!r.ok) return partnerForm(x, 'edit', { values: x.form, formKey: randomUUID(), error: toFieldError(x.v.d, r, PARTNER_FIELDS) }, r.status);
    return seeOther(x.reply, `${dashboardPaths.partners}?done=1`);
  }));
}

/** The partner form as the API's body; lender rows without a share are left out, and none at all means "lends alone". */
function partnerBody(f: Values): Record<string, unknown> {
  const lenders = Array.from({ length: LENDER_ROWS }, (_, i) => {
    const percent = given(f, `lenders.${i}.percent`);
    const partnerId = given(f, `lenders.${i}.partnerId`);
    return percent ? { percent, ...(partnerId ? { partnerId } : {}) } : null;
  }).filter((l) => l !== null);
  return {
    name: given(f, 'name') ?? '', priority: wholeOr(given(f, 'priority')) ?? '', quota: given(f, 'quota') ?? '',
    productIds: ticked(f, 'product').filter(isUuid), merchantIds: ticked(f, 'merchant').filter(isUuid),
    settlementAccount: given(f, 'settlementAccount') ?? null, status: given(f, 'status') ?? 'active',
    lenders: lenders.length ? lenders : [{ percent: '100' }],
  };
}
