import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../../../app/deps.ts';
import { execute } from '../../../../app/execute.ts';
import { customerSummary, listCustomers } from '../../../../app/admin/find-customers.ts';
import { lookupCustomer } from '../../../../app/admin/lookup-customer.ts';
import { revealCustomerPhone } from '../../../../app/admin/reveal-customer-phone.ts';
import { getCreditLine } from '../../../../app/admin/get-credit-line.ts';
import { setCreditLimit } from '../../../../app/admin/set-credit-limit.ts';
import { freezeCreditLine } from '../../../../app/admin/freeze-credit-line.ts';
import { unfreezeCreditLine } from '../../../../app/admin/unfreeze-credit-line.ts';
import { domainError } from '../../../../core/errors.ts';
import { parseYuan } from '../../../../core/money/parse.ts';
import { parsePhone } from '../../../../core/privacy/phone.ts';
import { actorOf, guards, type StaffRole } from '../../auth.ts';
import { runUseCase } from '../../run-use-case.ts';
import { sendProblem } from '../../problem.ts';
import { pageInput, PageQuery, problems } from '../../views/admin-schemas.ts';
import { AdminCreditLineSchema, creditLineView, CustomerPageSchema, customerItemView, CustomerSummarySchema, customerSummaryView, FreezeBody, PhoneLookupBody, RevealBody, RevealedPhoneSchema, SetLimitBody } from '../../views/admin-customer-view.ts';
import { ROLES, Admin, CustomerParams } from './access.ts';

/** Customers and credit lines (额度). */
export const adminCustomersRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox => async (app) => {
  const guard = guards(deps);
  const staff = (roles: StaffRole[]) => guard.staff(...roles);

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
};
