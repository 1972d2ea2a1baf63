import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../../app/deps.ts';
import { getCustomerCreditLine } from '../../../app/customers/views/credit-line.ts';
import { getCustomerPlan, listCustomerPlans } from '../../../app/customers/views/customer-plans.ts';
import { getCurrentBill, getCustomerBill, getCustomerBills } from '../../../app/customers/views/customer-bills.ts';
import { decodeCursor, listCustomerRepayments, REPAYMENT_PAGE_MAX } from '../../../app/customers/views/repayment-history.ts';
import { getCustomerPayoffQuote } from '../../../app/customers/views/payoff-quote.ts';
import { BILL_STATUSES } from '../../../core/billing/bill.ts';
import { parseBusinessDate } from '../../../core/calendar/business-date.ts';
import { domainError } from '../../../core/errors.ts';
import { guards } from '../auth.ts';
import { sendProblem } from '../problem.ts';
import { ProblemSchema } from '../schemas.ts';
import {
  BillListSchema, BillSchema, CreditLineSchema, CurrentBillSchema, CustomerPlanListSchema, CustomerPlanSchema, PayoffQuoteSchema, RepaymentPageSchema,
} from '../views/customer-schemas.ts';
import { billView, creditLineView, currentBillView, customerPlanView, payoffQuoteView, repaymentPageView } from '../views/customer-views.ts';

const PLAN_STATUSES = ['pending', 'active', 'paid_off', 'cancelled', 'refunded', 'written_off'] as const;
const PlanIdParams = Type.Object({ planId: Type.String({ format: 'uuid' }) });
const Denied = { 401: ProblemSchema, 403: ProblemSchema };
const ForCustomer = { tags: ['customer'], security: [{ bearer: [] }] };

/** The logged-in customer's id; the guard has already refused anyone else. */
function me(req: FastifyRequest): string | null {
  const p = req.principal;
  return p?.kind === 'customer' ? p.customerId : null;
}

/**
 * The customer's read side (/v1/me): credit line, plans, bills, repayment history and payoff
 * quotes. Every query is keyed by the session's customer id, never by an id from the request
 * alone, so another customer's plan answers 404 exactly like one that does not exist.
 */
export const customerRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox => async (app) => {
  const guard = guards(deps);
  const refuse = (reply: FastifyReply) => sendProblem(reply, domainError('forbidden', 'this endpoint is for customers'));

  app.get('/v1/me/credit-line', {
    preHandler: guard.customer,
    schema: { ...ForCustomer, summary: 'My credit line (额度): total, used, available, frozen, credit balance', response: { 200: CreditLineSchema, 404: ProblemSchema, ...Denied } },
  }, async (req, reply) => {
    const customerId = me(req);
    if (!customerId) return refuse(reply);
    const line = await getCustomerCreditLine(deps.db, customerId);
    return line.ok ? creditLineView(line.value) : sendProblem(reply, line.error);
  });

  app.get('/v1/me/plans', {
    preHandler: guard.customer,
    schema: {
      ...ForCustomer, summary: 'My installment plans, newest first, with schedules and contract summaries',
      querystring: Type.Object({ status: Type.Optional(Type.String({ enum: [...PLAN_STATUSES] })) }, { examples: [{ status: 'active' }] }),
      response: { 200: CustomerPlanListSchema, 400: ProblemSchema, ...Denied },
    },
  }, async (req, reply) => {
    const customerId = me(req);
    if (!customerId) return refuse(reply);
    const list = await listCustomerPlans(deps.db, customerId, await deps.calendar.today(), req.query.status as (typeof PLAN_STATUSES)[number] | undefined);
    return { asOf: list.today, plans: list.plans.map((p) => customerPlanView(p, list.today)) };
  });

  app.get('/v1/me/plans/:planId', {
    preHandler: guard.customer,
    schema: { ...ForCustomer, summary: 'One of my plans', params: PlanIdParams, response: { 200: CustomerPlanSchema, 400: ProblemSchema, 404: ProblemSchema, ...Denied } },
  }, async (req, reply) => {
    const customerId = me(req);
    if (!customerId) return refuse(reply);
    const found = await getCustomerPlan(deps.db, customerId, req.params.planId);
    return found.ok ? customerPlanView(found.value, await deps.calendar.today()) : sendProblem(reply, found.error);
  });

  app.get('/v1/me/plans/:planId/payoff-quote', {
    preHandler: guard.customer,
    schema: {
      ...ForCustomer, summary: 'What paying this plan off early takes today (提前还款试算)', params: PlanIdParams,
      description: 'Valid for the business date in validOn only. Pay it with POST /v1/me/repayments {kind: "payoff"}.',
      response: { 200: PayoffQuoteSchema, 400: ProblemSchema, 404: ProblemSchema, 422: ProblemSchema, ...Denied },
    },
  }, async (req, reply) => {
    const customerId = me(req);
    if (!customerId) return refuse(reply);
    const quote = await getCustomerPayoffQuote(deps.db, customerId, req.params.planId, await deps.calendar.today());
    return quote.ok ? payoffQuoteView(quote.value) : sendProblem(reply, quote.error);
  });

  app.get('/v1/me/bills', {
    preHandler: guard.customer,
    schema: {
      ...ForCustomer, summary: 'My bills (账单), earliest due date first; derived from the plans on every read',
      description: 'status filters: one bill status, or "unpaid" for every bill with something outstanding. Without it: all bills, paid history included.',
      querystring: Type.Object({ status: Type.Optional(Type.String({ enum: [...BILL_STATUSES, 'unpaid'] })) }, { examples: [{ status: 'unpaid' }, { status: 'paid' }] }),
      response: { 200: BillListSchema, 400: ProblemSchema, 404: ProblemSchema, ...Denied },
    },
  }, async (req, reply) => {
    const customerId = me(req);
    if (!customerId) return refuse(reply);
    const today = await deps.calendar.today();
    const bills = await getCustomerBills(deps.db, customerId, today);
    if (!bills.ok) return sendProblem(reply, bills.error);
    const wanted = req.query.status;
    const shown = bills.value.filter((b) => !wanted || (wanted === 'unpaid' ? b.status !== 'paid' : b.status === wanted));
    return { asOf: today, bills: shown.map((b) => billView(b, today)) };
  });

  app.get('/v1/me/bills/current', {
    preHandler: guard.customer,
    schema: {
      ...ForCustomer, summary: "This month's bill, with anything overdue from earlier bills and one total to pay",
      response: { 200: CurrentBillSchema, 404: ProblemSchema, ...Denied },
    },
  }, async (req, reply) => {
    const customerId = me(req);
    if (!customerId) return refuse(reply);
    const today = await deps.calendar.today();
    const current = await getCurrentBill(deps.db, customerId, today);
    return current.ok ? currentBillView(current.value, today) : sendProblem(reply, current.error);
  });

  app.get('/v1/me/bills/:dueDate', {
    preHandler: guard.customer,
    schema: {
      ...ForCustomer, summary: 'The bill due on a date', params: Type.Object({ dueDate: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', examples: ['2026-02-10'] }) }),
      response: { 200: BillSchema, 400: ProblemSchema, 404: ProblemSchema, ...Denied },
    },
  }, async (req, reply) => {
    const customerId = me(req);
    if (!customerId) return refuse(reply);
    const due = parseBusinessDate(req.params.dueDate, 'dueDate');
    if (!due.ok) return sendProblem(reply, due.error);
    const today = await deps.calendar.today();
    const bill = await getCustomerBill(deps.db, customerId, due.value, today);
    // 404 is stated here until problem.ts lists bill_not_found.
    return bill.ok ? billView(bill.value, today) : sendProblem(reply, bill.error, bill.error.code === 'bill_not_found' ? 404 : undefined);
  });

  app.get('/v1/me/repayments', {
    preHandler: guard.customer,
    schema: {
      ...ForCustomer, summary: 'My repayments, newest first, with where every fen went',
      querystring: Type.Object({
        limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$', description: `page size, 1–${REPAYMENT_PAGE_MAX} (default 20)` })),
        cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor from the previous page' })),
      }, { examples: [{ limit: '20' }] }),
      response: { 200: RepaymentPageSchema, 400: ProblemSchema, ...Denied },
    },
  }, async (req, reply) => {
    const customerId = me(req);
    if (!customerId) return refuse(reply);
    const limit = Number(req.query.limit ?? 20);
    if (limit < 1 || limit > REPAYMENT_PAGE_MAX) return sendProblem(reply, domainError('validation_failed', `limit must be from 1 to ${REPAYMENT_PAGE_MAX}`, 'limit'));
    const cursor = req.query.cursor === undefined ? undefined : decodeCursor(req.query.cursor);
    if (cursor && !cursor.ok) return sendProblem(reply, cursor.error);
    return repaymentPageView(await listCustomerRepayments(deps.db, customerId, limit, cursor?.value));
  });
};
