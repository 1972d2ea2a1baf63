import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../../app/deps.ts';
import { execute } from '../../../app/execute.ts';
import { createMerchant } from '../../../app/admin/create-merchant.ts';
import { getMerchant, listMerchants } from '../../../app/admin/find-merchants.ts';
import { updateMerchant } from '../../../app/admin/update-merchant.ts';
import { createApiKey, type ApiKeyRole } from '../../../app/admin/create-api-key.ts';
import { listApiKeys } from '../../../app/admin/list-api-keys.ts';
import { revokeApiKey } from '../../../app/admin/revoke-api-key.ts';
import { defineProduct } from '../../../app/admin/define-product.ts';
import { publishProductVersion } from '../../../app/admin/publish-product-version.ts';
import { getProduct, listProducts } from '../../../app/admin/find-products.ts';
import { retireProduct } from '../../../app/admin/retire-product.ts';
import { offerProduct } from '../../../app/admin/offer-product.ts';
import { withdrawProduct } from '../../../app/admin/withdraw-product.ts';
import { customerSummary, listCustomers } from '../../../app/admin/find-customers.ts';
import { lookupCustomer } from '../../../app/admin/lookup-customer.ts';
import { revealCustomerPhone } from '../../../app/admin/reveal-customer-phone.ts';
import { getCreditLine } from '../../../app/admin/get-credit-line.ts';
import { setCreditLimit } from '../../../app/admin/set-credit-limit.ts';
import { freezeCreditLine } from '../../../app/admin/freeze-credit-line.ts';
import { unfreezeCreditLine } from '../../../app/admin/unfreeze-credit-line.ts';
import { parseDateRange, trialBalance } from '../../../app/admin/trial-balance.ts';
import { listJournal } from '../../../app/admin/list-journal.ts';
import { listAuditLog } from '../../../app/admin/list-audit-log.ts';
import { checkLedger } from '../../../app/check-ledger.ts';
import { listDeliveries } from '../../../app/webhooks/list-deliveries.ts';
import { retryDelivery } from '../../../app/webhooks/retry-delivery.ts';
import { domainError } from '../../../core/errors.ts';
import { parseYuan } from '../../../core/money/parse.ts';
import { parsePhone } from '../../../core/privacy/phone.ts';
import { actorOf, guards, type Principal, type StaffRole } from '../auth.ts';
import { runUseCase } from '../run-use-case.ts';
import { sendProblem } from '../problem.ts';
import { pageInput, PageQuery, problems, Security, Uuid } from '../views/admin-schemas.ts';
import {
  ApiKeyPageSchema, ApiKeySchema, apiKeyView, CreateApiKeyBody, CreatedApiKeySchema, createdApiKeyView, CreatedMerchantSchema, createdMerchantView,
  CreateMerchantBody, MerchantDetailSchema, merchantDetailView, MerchantPageSchema, MerchantSchema, merchantView, UpdateMerchantBody,
} from '../views/admin-merchant-view.ts';
import {
  DefinedProductSchema, DefineProductBody, ProductDetailSchema, productDetailView, ProductSchema, productTermsInput, ProductVersionBody, productView,
} from '../views/admin-product-view.ts';
import {
  AdminCreditLineSchema, creditLineView, CustomerPageSchema, customerItemView, CustomerSummarySchema, customerSummaryView, FreezeBody, PhoneLookupBody,
  RevealBody, RevealedPhoneSchema, SetLimitBody,
} from '../views/admin-customer-view.ts';
import {
  AuditPageSchema, auditPageView, AuditQuery, DateRangeQuery, JournalPageSchema, journalPageView, LedgerCheckSchema, ledgerCheckView, TrialBalanceSchema, trialBalanceView,
} from '../views/admin-ledger-view.ts';
import { AdminDeliveryQuery, DeliveryPageSchema, deliveryPageView, DeliverySchema, deliveryView, MerchantDeliveryQuery } from '../views/admin-webhook-view.ts';

/**
 * Who may do what (admin passes every guard). Agents (customer service) read and may freeze
 * a line to protect a customer, never lend more; supervisors also set limits and alone may
 * reveal a phone number; auditors read the books and the audit log and change nothing.
 */
const ROLES = {
  read: ['operator', 'agent', 'supervisor', 'auditor'],
  catalogue: ['operator'],
  keys: ['operator'],
  lend: ['operator', 'supervisor'],
  freeze: ['operator', 'agent', 'supervisor'],
  reveal: ['supervisor'],
  books: ['operator', 'supervisor', 'auditor'],
  audit: ['supervisor', 'auditor'],
} satisfies Record<string, StaffRole[]>;

const Admin = { tags: ['admin'], security: Security };
const MerchantParams = Type.Object({ merchantId: Uuid });
const ProductParams = Type.Object({ productId: Uuid });
const CustomerParams = Type.Object({ customerId: Uuid });
const OfferParams = Type.Object({ merchantId: Uuid, productId: Uuid });
const OfferSchema = Type.Object({ merchantId: Type.String(), productId: Type.String(), offered: Type.Boolean() }, {
  examples: [{ merchantId: '0192f0c8-5c2a-7000-8000-000000000001', productId: '0192f0c8-5c2a-7000-8000-000000000002', offered: true }],
});

/** The operator API (/v1/admin/...) and the merchant's view of its own webhook deliveries. */
export const adminRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox => async (app) => {
  const guard = guards(deps);
  const staff = (roles: StaffRole[]) => guard.staff(...roles);

  // ── Merchants ──────────────────────────────────────────────────────────────
  app.post('/v1/admin/merchants', {
    preHandler: staff(ROLES.catalogue),
    schema: { ...Admin, summary: 'Create a merchant; the webhook secret is returned only now', body: CreateMerchantBody, response: { 201: CreatedMerchantSchema, ...problems(400, 401, 403, 409) } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => createMerchant(ctx, req.body), { status: 201, respond: createdMerchantView }));

  app.get('/v1/admin/merchants', {
    preHandler: staff(ROLES.read),
    schema: { ...Admin, summary: 'List merchants, newest first', querystring: Type.Object(PageQuery, { additionalProperties: false }), response: { 200: MerchantPageSchema, ...problems(400, 401, 403) } },
  }, async (req) => {
    const page = await listMerchants(deps.db, pageInput(req.query));
    return { nextCursor: page.nextCursor, items: page.items.map(merchantView) };
  });

  app.get('/v1/admin/merchants/:merchantId', {
    preHandler: staff(ROLES.read),
    schema: { ...Admin, summary: 'A merchant, the products it offers and its key and delivery counts', params: MerchantParams, response: { 200: MerchantDetailSchema, ...problems(400, 401, 403, 404) } },
  }, async (req, reply) => {
    const found = await getMerchant(deps.db, req.params.merchantId);
    return found.ok ? merchantDetailView(found.value) : sendProblem(reply, found.error);
  });

  app.patch('/v1/admin/merchants/:merchantId', {
    preHandler: staff(ROLES.catalogue),
    schema: { ...Admin, summary: 'Rename a merchant or change its webhook URL (queued deliveries follow the new URL)', params: MerchantParams, body: UpdateMerchantBody, response: { 200: MerchantSchema, ...problems(400, 401, 403, 404, 409) } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => updateMerchant(ctx, { merchantId: req.params.merchantId, ...req.body }), { respond: merchantView }));

  // ── API keys ───────────────────────────────────────────────────────────────
  app.post('/v1/admin/api-keys', {
    preHandler: staff(ROLES.keys),
    schema: {
      ...Admin, summary: 'Issue an API key for a merchant or a staff role; the token is returned only now',
      description: 'Operators may issue merchant keys; only an admin issues staff keys. No Idempotency-Key: a stored response would keep the token, so on a lost response list the keys and revoke the stray one.',
      body: CreateApiKeyBody, response: { 201: CreatedApiKeySchema, ...problems(400, 401, 403, 404) },
    },
  }, async (req, reply) => {
    if (req.headers['idempotency-key'] !== undefined) {
      return sendProblem(reply, domainError('validation_failed', 'API key creation does not take an Idempotency-Key: the response holds a secret that is never stored', 'Idempotency-Key'));
    }
    const input = { role: req.body.role as ApiKeyRole, name: req.body.name, ...(req.body.merchantId ? { merchantId: req.body.merchantId } : {}) };
    return runUseCase(deps, req, reply, (ctx) => createApiKey(ctx, input), { status: 201, respond: createdApiKeyView });
  });

  app.get('/v1/admin/api-keys', {
    preHandler: staff(ROLES.keys),
    schema: {
      ...Admin, summary: 'List API keys (prefix only, never the token)',
      querystring: Type.Object({ merchantId: Type.Optional(Uuid), role: Type.Optional(Type.String({ maxLength: 20 })), includeRevoked: Type.Optional(Type.String({ enum: ['true', 'false'] })), ...PageQuery }, { additionalProperties: false }),
      response: { 200: ApiKeyPageSchema, ...problems(400, 401, 403) },
    },
  }, async (req) => {
    const q = req.query;
    const page = await listApiKeys(deps.db, { ...pageInput(q), ...(q.merchantId ? { merchantId: q.merchantId } : {}), ...(q.role ? { role: q.role } : {}), includeRevoked: q.includeRevoked === 'true' });
    return { nextCursor: page.nextCursor, items: page.items.map(apiKeyView) };
  });

  app.post('/v1/admin/api-keys/:keyId/revoke', {
    preHandler: staff(ROLES.keys),
    schema: { ...Admin, summary: 'Revoke an API key at once (not the last admin key)', params: Type.Object({ keyId: Uuid }), response: { 200: ApiKeySchema, ...problems(400, 401, 403, 404, 409) } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => revokeApiKey(ctx, req.params.keyId), { respond: apiKeyView }));

  // ── Products ───────────────────────────────────────────────────────────────
  app.post('/v1/admin/products', {
    preHandler: staff(ROLES.catalogue),
    schema: { ...Admin, summary: 'Define a product (version 1): pricing, late charges, allocation, early payoff, APR cap', body: DefineProductBody, response: { 201: DefinedProductSchema, ...problems(400, 401, 403, 409, 422) } },
  }, async (req, reply) => {
    const input = productTermsInput(req.body);
    if (!input.ok) return sendProblem(reply, input.error);
    return runUseCase(deps, req, reply, (ctx) => defineProduct(ctx, { ...input.value, code: req.body.code }), { status: 201, respond: (d) => ({ ...productView(d.product), sampleApr: d.apr }) });
  });

  app.post('/v1/admin/products/:productId/versions', {
    preHandler: staff(ROLES.catalogue),
    schema: { ...Admin, summary: 'Publish a new version of a product (new plans use it; existing plans keep theirs)', params: ProductParams, body: ProductVersionBody, response: { 201: DefinedProductSchema, ...problems(400, 401, 403, 404, 409, 422) } },
  }, async (req, reply) => {
    const input = productTermsInput(req.body);
    if (!input.ok) return sendProblem(reply, input.error);
    return runUseCase(deps, req, reply, (ctx) => publishProductVersion(ctx, req.params.productId, input.value), { status: 201, respond: (d) => ({ ...productView(d.product), sampleApr: d.apr }) });
  });

  app.get('/v1/admin/products', {
    preHandler: staff(ROLES.read),
    schema: {
      ...Admin, summary: 'List products at their latest version',
      querystring: Type.Object({ status: Type.Optional(Type.String({ enum: ['active', 'retired'] })), method: Type.Optional(Type.String({ maxLength: 40 })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(ProductSchema) }), ...problems(400, 401, 403) },
    },
  }, async (req) => {
    const q = req.query;
    const rows = await listProducts(deps.db, { ...(q.status ? { status: q.status as 'active' | 'retired' } : {}), ...(q.method ? { method: q.method } : {}) });
    return { items: rows.map(productView) };
  });

  app.get('/v1/admin/products/:productId', {
    preHandler: staff(ROLES.read),
    schema: { ...Admin, summary: 'A product with every version and the merchants offering it', params: ProductParams, response: { 200: ProductDetailSchema, ...problems(400, 401, 403, 404) } },
  }, async (req, reply) => {
    const found = await getProduct(deps.db, req.params.productId);
    return found.ok ? productDetailView(found.value) : sendProblem(reply, found.error);
  });

  app.post('/v1/admin/products/:productId/retire', {
    preHandler: staff(ROLES.catalogue),
    schema: { ...Admin, summary: 'Retire a product: no new plans; existing plans run to the end', params: ProductParams, response: { 200: Type.Object({ productId: Type.String(), status: Type.Literal('retired') }, { examples: [{ productId: '0192f0c8-5c2a-7000-8000-000000000002', status: 'retired' }] }), ...problems(400, 401, 403, 404) } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => retireProduct(ctx, req.params.productId), { respond: (r) => r }));

  app.put('/v1/admin/merchants/:merchantId/products/:productId', {
    preHandler: staff(ROLES.catalogue),
    schema: { ...Admin, summary: 'Let a merchant offer a product at checkout', params: OfferParams, response: { 200: OfferSchema, ...problems(400, 401, 403, 404, 409) } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => offerProduct(ctx, req.params.merchantId, req.params.productId), { respond: (r) => r }));

  app.delete('/v1/admin/merchants/:merchantId/products/:productId', {
    preHandler: staff(ROLES.catalogue),
    schema: { ...Admin, summary: 'Withdraw a product from a merchant (existing plans are untouched)', params: OfferParams, response: { 200: OfferSchema, ...problems(400, 401, 403, 404) } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => withdrawProduct(ctx, req.params.merchantId, req.params.productId), { respond: (r) => r }));

  // ── Customers and credit lines ─────────────────────────────────────────────
  app.get('/v1/admin/customers', {
    preHandler: staff(ROLES.read),
    schema: {
      ...Admin, summary: 'List customers, newest first (phones masked)',
      querystring: Type.Object({ status: Type.Optional(Type.String({ enum: ['active', 'cancelled'] })), ...PageQuery }, { additionalProperties: false }),
      response: { 200: CustomerPageSchema, ...problems(400, 401, 403) },
    },
  }, async (req) => {
    const page = await listCustomers(deps.db, { ...pageInput(req.query), ...(req.query.status ? { status: req.query.status as 'active' | 'cancelled' } : {}) });
    return { nextCursor: page.nextCursor, items: page.items.map(customerItemView) };
  });

  app.post('/v1/admin/customers/lookup', {
    preHandler: staff(ROLES.read),
    schema: { ...Admin, summary: 'Find a customer by phone number (audited; the phone comes back masked)', body: PhoneLookupBody, response: { 200: CustomerSummarySchema, ...problems(400, 401, 403, 404) } },
  }, async (req, reply) => {
    const phone = parsePhone(req.body.phone);
    if (!phone.ok) return sendProblem(reply, phone.error);
    // execute() directly: "not found" must still commit its audit record.
    const found = await execute(deps, actorOf(req.principal!, req.ip), (ctx) => lookupCustomer(ctx, phone.value));
    if (!found.ok) return sendProblem(reply, found.error);
    if (found.replayed || !found.value) return sendProblem(reply, domainError('customer_not_found', 'no customer with that phone number', 'phone'));
    return customerSummaryView(found.value);
  });

  app.get('/v1/admin/customers/:customerId', {
    preHandler: staff(ROLES.read),
    schema: { ...Admin, summary: 'A customer: masked phone, credit line, plans with outstanding and overdue', params: CustomerParams, response: { 200: CustomerSummarySchema, ...problems(400, 401, 403, 404) } },
  }, async (req, reply) => {
    const found = await customerSummary(deps.db, req.params.customerId, await deps.calendar.today());
    return found.ok ? customerSummaryView(found.value) : sendProblem(reply, found.error);
  });

  app.post('/v1/admin/customers/:customerId/reveal-phone', {
    preHandler: staff(ROLES.reveal),
    schema: { ...Admin, summary: 'Reveal the full phone number (admin or supervisor, with a reason kept in the audit log)', params: CustomerParams, body: RevealBody, response: { 200: RevealedPhoneSchema, ...problems(400, 401, 403, 404, 422) } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => revealCustomerPhone(ctx, { customerId: req.params.customerId, reason: req.body.reason }), { respond: (r) => r }));

  app.get('/v1/admin/customers/:customerId/credit-line', {
    preHandler: staff(ROLES.read),
    schema: { ...Admin, summary: 'A credit line: limit, used, available, frozen, credit balance', params: CustomerParams, response: { 200: AdminCreditLineSchema, ...problems(400, 401, 403, 404) } },
  }, async (req, reply) => {
    const line = await getCreditLine(deps.db, req.params.customerId);
    return line.ok ? creditLineView(line.value) : sendProblem(reply, line.error);
  });

  app.put('/v1/admin/customers/:customerId/credit-line', {
    preHandler: staff(ROLES.lend),
    schema: {
      ...Admin, summary: 'Set the credit limit',
      description: 'A limit below what is in use is accepted (the line is not clawed back); checkout is then refused with credit_line_insufficient until repayments bring use under it, and the response says so in warnings.',
      params: CustomerParams, body: SetLimitBody, response: { 200: AdminCreditLineSchema, ...problems(400, 401, 403, 404, 422) },
    },
  }, async (req, reply) => {
    const limit = parseYuan(req.body.total, { field: 'total' });
    if (!limit.ok) return sendProblem(reply, limit.error);
    const input = { customerId: req.params.customerId, limitFen: limit.value, ...(req.body.reason ? { reason: req.body.reason } : {}) };
    return runUseCase(deps, req, reply, (ctx) => setCreditLimit(ctx, input), { respond: creditLineView });
  });

  app.post('/v1/admin/customers/:customerId/credit-line/freeze', {
    preHandler: staff(ROLES.freeze),
    schema: { ...Admin, summary: 'Freeze a credit line: new plans refused, repayment never blocked', params: CustomerParams, body: FreezeBody, response: { 200: AdminCreditLineSchema, ...problems(400, 401, 403, 404, 409) } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => freezeCreditLine(ctx, { customerId: req.params.customerId, reason: req.body.reason }), { respond: creditLineView }));

  app.post('/v1/admin/customers/:customerId/credit-line/unfreeze', {
    preHandler: staff(ROLES.lend),
    schema: { ...Admin, summary: 'Lift a freeze, with a reason', params: CustomerParams, body: FreezeBody, response: { 200: AdminCreditLineSchema, ...problems(400, 401, 403, 404, 409) } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => unfreezeCreditLine(ctx, { customerId: req.params.customerId, reason: req.body.reason }), { respond: creditLineView }));

  // ── Ledger and audit log ───────────────────────────────────────────────────
  app.get('/v1/admin/ledger/trial-balance', {
    preHandler: staff(ROLES.books),
    schema: { ...Admin, summary: 'Trial balance: debits, credits and balance per account over business dates (inclusive)', querystring: DateRangeQuery, response: { 200: TrialBalanceSchema, ...problems(400, 401, 403) } },
  }, async (req, reply) => {
    const range = parseDateRange(req.query);
    return range.ok ? trialBalanceView(await trialBalance(deps.db, range.value)) : sendProblem(reply, range.error);
  });

  app.get('/v1/admin/ledger/check', {
    preHandler: staff(ROLES.books),
    schema: { ...Admin, summary: 'Prove the books: balanced entries, plan sub-ledgers, allocations, credit lines and balances', querystring: DateRangeQuery, response: { 200: LedgerCheckSchema, ...problems(400, 401, 403) } },
  }, async (req, reply) => {
    const range = parseDateRange(req.query);
    return range.ok ? ledgerCheckView(await checkLedger(deps.db, range.value)) : sendProblem(reply, range.error);
  });

  app.get('/v1/admin/plans/:planId/journal', {
    preHandler: staff(ROLES.books),
    schema: { ...Admin, summary: "A plan's journal entries, oldest first", params: Type.Object({ planId: Uuid }), querystring: Type.Object(PageQuery, { additionalProperties: false }), response: { 200: JournalPageSchema, ...problems(400, 401, 403, 404) } },
  }, async (req, reply) => {
    const page = await listJournal(deps.db, { ...pageInput(req.query), planId: req.params.planId });
    return page.ok ? journalPageView(page.value) : sendProblem(reply, page.error);
  });

  app.get('/v1/admin/customers/:customerId/journal', {
    preHandler: staff(ROLES.books),
    schema: { ...Admin, summary: "A customer's journal entries, oldest first", params: CustomerParams, querystring: Type.Object(PageQuery, { additionalProperties: false }), response: { 200: JournalPageSchema, ...problems(400, 401, 403, 404) } },
  }, async (req, reply) => {
    const page = await listJournal(deps.db, { ...pageInput(req.query), customerId: req.params.customerId });
    return page.ok ? journalPageView(page.value) : sendProblem(reply, page.error);
  });

  app.get('/v1/admin/audit-log', {
    preHandler: staff(ROLES.audit),
    schema: { ...Admin, summary: 'The audit log, newest first, by actor, action or target', querystring: Type.Object({ ...AuditQuery.properties, ...PageQuery }, { additionalProperties: false, examples: [{ action: 'customer', limit: '20' }] }), response: { 200: AuditPageSchema, ...problems(400, 401, 403) } },
  }, async (req) => {
    const { actor, action, target } = req.query;
    return auditPageView(await listAuditLog(deps.db, { ...pageInput(req.query), ...(actor ? { actor } : {}), ...(action ? { action } : {}), ...(target ? { target } : {}) }));
  });

  // ── Webhook deliveries ─────────────────────────────────────────────────────
  app.get('/v1/admin/webhooks/deliveries', {
    preHandler: staff(ROLES.books),
    schema: { ...Admin, summary: 'Webhook deliveries, newest first, by merchant and status', querystring: AdminDeliveryQuery, response: { 200: DeliveryPageSchema, ...problems(400, 401, 403) } },
  }, async (req) => {
    const { merchantId, status } = req.query;
    return deliveryPageView(await listDeliveries(deps.db, { ...pageInput(req.query), ...(merchantId ? { merchantId } : {}), ...(status ? { status: status as 'pending' } : {}) }));
  });

  app.post('/v1/admin/webhooks/deliveries/:deliveryId/retry', {
    preHandler: staff(ROLES.catalogue),
    schema: { ...Admin, summary: 'Send a failed or waiting delivery again now', params: Type.Object({ deliveryId: Uuid }), response: { 200: DeliverySchema, ...problems(400, 401, 403, 404, 409) } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => retryDelivery(ctx, { deliveryId: req.params.deliveryId }), { respond: deliveryView }));

  const ForMerchant = { tags: ['merchant'], security: Security };
  const merchantIdOf = (p: Principal | undefined) => (p?.kind === 'merchant' ? p.merchantId : null);

  app.get('/v1/merchant/webhooks/deliveries', {
    preHandler: guard.merchant,
    schema: { ...ForMerchant, summary: 'My webhook deliveries, newest first', querystring: MerchantDeliveryQuery, response: { 200: DeliveryPageSchema, ...problems(400, 401, 403) } },
  }, async (req, reply) => {
    const merchantId = merchantIdOf(req.principal);
    if (!merchantId) return sendProblem(reply, domainError('forbidden', 'this endpoint is for merchants'));
    const { status } = req.query;
    return deliveryPageView(await listDeliveries(deps.db, { ...pageInput(req.query), merchantId, ...(status ? { status: status as 'pending' } : {}) }));
  });

  app.post('/v1/merchant/webhooks/deliveries/:deliveryId/retry', {
    preHandler: guard.merchant,
    schema: { ...ForMerchant, summary: 'Send one of my failed deliveries again now', params: Type.Object({ deliveryId: Uuid }), response: { 200: DeliverySchema, ...problems(400, 401, 403, 404, 409) } },
  }, async (req, reply) => {
    const merchantId = merchantIdOf(req.principal);
    if (!merchantId) return sendProblem(reply, domainError('forbidden', 'this endpoint is for merchants'));
    return runUseCase(deps, req, reply, (ctx) => retryDelivery(ctx, { deliveryId: req.params.deliveryId, merchantId }), { respond: deliveryView });
  });
};
