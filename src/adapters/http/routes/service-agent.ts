import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../../app/deps.ts';
import { execute } from '../../../app/execute.ts';
import { customerPicture } from '../../../app/service/customer-picture.ts';
import { decideApproval } from '../../../app/service/decide-approval.ts';
import { explainCancellation } from '../../../app/service/explain-cancellation.ts';
import { findCustomer, noCustomerFound, type FindCustomerInput } from '../../../app/service/find-customer.ts';
import { listApprovals } from '../../../app/service/list-approvals.ts';
import type { AdjustmentParams } from '../../../app/service/apply-adjustment.ts';
import { requestAdjustment } from '../../../app/service/request-adjustment.ts';
import { sendRepaymentLink } from '../../../app/service/send-repayment-link.ts';
import { tracePayment } from '../../../app/service/trace-payment.ts';
import { domainError } from '../../../core/errors.ts';
import { formatYuan, parseYuan } from '../../../core/money/parse.ts';
import { parsePhone } from '../../../core/privacy/phone.ts';
import { actorOf, guards } from '../auth.ts';
import { runUseCase } from '../run-use-case.ts';
import { sendProblem } from '../problem.ts';
import { Money } from '../schemas.ts';
import { CustomerSummarySchema, customerSummaryView } from '../views/admin-customer-view.ts';
import { problems, Reason, Security, Uuid } from '../views/admin-schemas.ts';
import { AdjustmentSchema, adjustmentView, ApprovalSchema, approvalView, PictureSchema, pictureView, StaffPaymentSchema, staffPaymentView } from './service-views.ts';

const ForService = { tags: ['service'], security: Security };
const CustomerParams = Type.Object({ customerId: Uuid });
const TicketRef = { ticketId: Type.Optional(Uuid) };
const READ = ['operator', 'agent', 'supervisor', 'auditor'] as const;
const ACT = ['agent', 'supervisor'] as const;
const EXAMPLE_TICKET = '0192f0c8-5c2a-7000-8000-0000000000a1';

/**
 * Agent tools (客服工具): find a customer, see their whole account, and fix what the platform
 * broke — send a repayment link, trace a payment, waive or refund within a per-role limit
 * (second approval above it). Every action is audited; phones come back masked.
 */
export const serviceAgentRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox => async (app) => {
  const guard = guards(deps);

  /** Waivers and refunds share one path: parse the amount, then the limit decides (money moves need an Idempotency-Key). */
  const adjust = async (req: FastifyRequest, reply: FastifyReply, params: AdjustmentParams) => {
    const { customerId } = req.params as { customerId: string };
    const body = req.body as { amount: string; reason: string; ticketId?: string };
    const amount = parseYuan(body.amount, { field: 'amount', allowZero: false });
    if (!amount.ok) return sendProblem(reply, amount.error);
    return runUseCase(deps, req, reply, (ctx) => requestAdjustment(ctx, {
      customerId, amount: amount.value, reason: body.reason, params, ...(body.ticketId ? { ticketId: body.ticketId } : {}),
    }), { requireIdempotencyKey: true, respond: adjustmentView });
  };

  app.post('/v1/service/customers/search', {
    preHandler: guard.staff(...READ),
    schema: {
      ...ForService, summary: 'Find a customer by phone or plan id (audited; the phone comes back masked)',
      description: 'In the body, not the URL, so a phone number stays out of access logs.',
      body: Type.Union([
        Type.Object({ phone: Type.String({ minLength: 11, maxLength: 20 }) }, { additionalProperties: false }),
        Type.Object({ planId: Uuid }, { additionalProperties: false }),
      ], { examples: [{ phone: '13800138000' }, { planId: '0192f0c8-5c2a-7000-8000-000000000003' }] }),
      response: { 200: CustomerSummarySchema, ...problems(400, 401, 403, 404) },
    },
  }, async (req, reply) => {
    const body = req.body as { phone?: string; planId?: string };
    let input: FindCustomerInput;
    if (body.phone !== undefined) {
      const phone = parsePhone(body.phone);
      if (!phone.ok) return sendProblem(reply, phone.error);
      input = { phone: phone.value };
    } else input = { planId: body.planId! };
    // execute() directly: "not found" must still commit its audit record.
    const found = await execute(deps, actorOf(req.principal!, req.ip), (ctx) => findCustomer(ctx, input));
    if (!found.ok) return sendProblem(reply, found.error);
    if (found.replayed || !found.value) return sendProblem(reply, noCustomerFound(input).error);
    return customerSummaryView(found.value);
  });

  app.get('/v1/service/customers/:customerId', {
    preHandler: guard.staff(...READ),
    schema: {
      ...ForService, summary: "A customer's full picture: plans, current bill, payments in flight, auto-debit, notices, tickets, where to pay now (audited)",
      params: CustomerParams, response: { 200: PictureSchema, ...problems(400, 401, 403, 404) },
    },
  }, async (req, reply) => {
    const picture = await customerPicture(deps, actorOf(req.principal!, req.ip), req.params.customerId);
    return picture.ok ? pictureView(picture.value, await deps.calendar.today()) : sendProblem(reply, picture.error);
  });

  app.post('/v1/service/customers/:customerId/repayment-link', {
    preHandler: guard.staff(...ACT),
    schema: {
      ...ForService, summary: 'Send a fresh repayment link by SMS to the phone on the account (one per bill per day)', params: CustomerParams,
      body: Type.Object(TicketRef, { additionalProperties: false, examples: [{ ticketId: EXAMPLE_TICKET }] }),
      response: { 200: Type.Object({ dueDate: Type.String(), queued: Type.Boolean({ description: 'false: one was already sent for this bill today' }) }, { examples: [{ dueDate: '2026-02-10', queued: true }] }), ...problems(400, 401, 403, 404, 422) },
    },
  }, async (req, reply) => {
    const r = await sendRepaymentLink(deps, actorOf(req.principal!, req.ip), { customerId: req.params.customerId, ...(req.body.ticketId ? { ticketId: req.body.ticketId } : {}) });
    return r.ok ? r.value : sendProblem(reply, r.error);
  });

  app.post('/v1/service/customers/:customerId/payments/:paymentId/trace', {
    preHandler: guard.staff(...ACT),
    schema: {
      ...ForService, summary: 'Trace a payment through the gateway; if it was paid, post it now (exactly once)',
      params: Type.Object({ customerId: Uuid, paymentId: Uuid }), body: Type.Object(TicketRef, { additionalProperties: false, examples: [{ ticketId: EXAMPLE_TICKET }] }),
      response: {
        200: Type.Object({ outcome: Type.String({ enum: ['settled', 'already_settled', 'waiting', 'failed', 'expired', 'mismatch', 'unreachable', 'not_in_flight'] }), payment: StaffPaymentSchema }, { examples: [{ outcome: 'settled' }] }),
        ...problems(400, 401, 403, 404),
      },
    },
  }, async (req, reply) => {
    const r = await tracePayment(deps, actorOf(req.principal!, req.ip), { ...req.params, ...(req.body.ticketId ? { ticketId: req.body.ticketId } : {}) });
    return r.ok ? { outcome: r.value.outcome, payment: staffPaymentView(r.value.payment) } : sendProblem(reply, r.error);
  });

  app.post('/v1/service/customers/:customerId/waivers', {
    preHandler: guard.staff(...ACT),
    schema: {
      ...ForService, summary: 'Waive a late charge, fee or interest with a reason: at once within my limit, else an approval request',
      description: 'Needs an Idempotency-Key. outcome=done: the waiver is posted; outcome=pending_approval: nothing moved yet, another staff member must approve.',
      params: CustomerParams,
      body: Type.Object({
        planId: Uuid, installmentNumber: Type.Integer({ minimum: 1, maximum: 360 }), component: Type.String({ enum: ['penalty', 'fee', 'interest'] }), amount: Money, reason: Reason, ...TicketRef,
      }, { additionalProperties: false, examples: [{ planId: '0192f0c8-5c2a-7000-8000-000000000003', installmentNumber: 1, component: 'penalty', amount: '12.50', reason: 'old repayment entrance closed before the due date' }] }),
      response: { 200: AdjustmentSchema, ...problems(400, 401, 403, 404, 409, 422) },
    },
  }, async (req, reply) => {
    const b = req.body;
    return adjust(req, reply, { kind: 'waive', planId: b.planId, installmentNumber: b.installmentNumber, component: b.component as 'penalty' | 'fee' | 'interest' });
  });

  app.post('/v1/service/customers/:customerId/refunds', {
    preHandler: guard.staff(...ACT),
    schema: {
      ...ForService, summary: 'Refund the credit balance (溢缴款) with a reason: at once within my limit, else an approval request',
      description: 'Needs an Idempotency-Key. channel sandbox pays out at once; manual records a payout for finance.',
      params: CustomerParams,
      body: Type.Object({ amount: Money, channel: Type.Optional(Type.String({ enum: ['sandbox', 'manual'] })), reason: Reason, ...TicketRef }, {
        additionalProperties: false, examples: [{ amount: '64.00', channel: 'manual', reason: 'customer overpaid the January bill and asked for it back' }],
      }),
      response: { 200: AdjustmentSchema, ...problems(400, 401, 403, 404, 409, 422) },
    },
  }, async (req, reply) => adjust(req, reply, { kind: 'refund', channel: (req.body.channel ?? 'manual') as 'sandbox' | 'manual' }));

  app.post('/v1/service/customers/:customerId/cancellation-check', {
    preHandler: guard.staff(...ACT),
    schema: {
      ...ForService, summary: 'What stands between the customer and cancelling (注销): amounts owed and credit balance',
      params: CustomerParams, body: Type.Object(TicketRef, { additionalProperties: false, examples: [{ ticketId: EXAMPLE_TICKET }] }),
      response: {
        200: Type.Object({
          cancellable: Type.Boolean(), alreadyCancelled: Type.Boolean(), owed: Money, creditBalance: Money,
          plans: Type.Array(Type.Object({ planId: Type.String(), owed: Money })),
          howToCancel: Type.String({ description: 'what the agent tells the customer' }),
        }, { examples: [{ cancellable: false, alreadyCancelled: false, owed: '536.00', creditBalance: '0.00', plans: [{ planId: '0192f0c8-5c2a-7000-8000-000000000003', owed: '536.00' }], howToCancel: '…' }] }),
        ...problems(400, 401, 403, 404),
      },
    },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => explainCancellation(ctx, { customerId: req.params.customerId, ...(req.body.ticketId ? { ticketId: req.body.ticketId } : {}) }), {
    respond: (a) => ({
      cancellable: a.cancellable, alreadyCancelled: a.alreadyCancelled, owed: formatYuan(a.owedFen), creditBalance: formatYuan(a.creditBalanceFen),
      plans: a.plans.map((p) => ({ planId: p.planId, owed: formatYuan(p.owedFen) })),
      howToCancel: a.alreadyCancelled ? '账户已注销。'
        : a.cancellable ? '没有欠款和溢缴款：请客户在 App「账户 › 注销账户」中输入验证码完成注销。'
          : `注销前需先还清 ${formatYuan(a.owedFen)} 元${a.creditBalanceFen > 0 ? `，并退回溢缴款 ${formatYuan(a.creditBalanceFen)} 元` : ''}。`,
    }),
  }));

  app.get('/v1/service/approvals', {
    preHandler: guard.staff(...READ),
    schema: {
      ...ForService, summary: 'Approval requests for waivers and refunds above a limit, oldest first',
      querystring: Type.Object({ status: Type.Optional(Type.String({ enum: ['pending', 'approved', 'rejected'] })), customerId: Type.Optional(Uuid) }, { additionalProperties: false, examples: [{ status: 'pending' }] }),
      response: { 200: Type.Object({ items: Type.Array(ApprovalSchema) }), ...problems(400, 401, 403) },
    },
  }, async (req, reply) => {
    const r = await listApprovals(deps.db, actorOf(req.principal!), { ...(req.query.status ? { status: req.query.status as 'pending' } : {}), ...(req.query.customerId ? { customerId: req.query.customerId } : {}) });
    return r.ok ? { items: r.value.map(approvalView) } : sendProblem(reply, r.error);
  });

  for (const decision of ['approve', 'reject'] as const) {
    app.post(`/v1/service/approvals/:approvalId/${decision}`, {
      preHandler: guard.staff(...ACT),
      schema: {
        ...ForService,
        summary: decision === 'approve' ? 'Approve a request (not my own; within my limit): the money moves now, once' : 'Reject a request (or withdraw my own), with a note',
        params: Type.Object({ approvalId: Uuid }),
        body: Type.Object({ note: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false, examples: [{ note: decision === 'approve' ? 'checked the outage log' : 'the charge was correct' }] }),
        response: { 200: ApprovalSchema, ...problems(400, 401, 403, 404, 409, 422) },
      },
    }, async (req, reply) => {
      const { approvalId } = req.params as { approvalId: string };
      const { note } = req.body as { note?: string };
      if (req.principal?.kind !== 'staff') return sendProblem(reply, domainError('forbidden', 'this endpoint is for staff'));
      return runUseCase(deps, req, reply, (ctx) => decideApproval(ctx, { approvalId, decision, ...(note ? { note } : {}) }), { requireIdempotencyKey: decision === 'approve', respond: approvalView });
    });
  }
};
