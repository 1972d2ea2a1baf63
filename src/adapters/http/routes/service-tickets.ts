import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../../../app/deps.ts';
import { assignTicket } from '../../../app/service/assign-ticket.ts';
import { commentOnTicket } from '../../../app/service/comment-on-ticket.ts';
import { getTicket } from '../../../app/service/get-ticket.ts';
import { listCustomerTickets, listTicketQueue, withSla } from '../../../app/service/list-tickets.ts';
import { moveTicket } from '../../../app/service/move-ticket.ts';
import { openTicket } from '../../../app/service/open-ticket.ts';
import { TICKET_CATEGORIES, type TicketCategory } from '../../../core/service/categories.ts';
import { TICKET_ACTIONS, TICKET_STATUSES, type TicketAction, type TicketStatus } from '../../../core/service/status-flow.ts';
import { actorOf, guards } from '../auth.ts';
import { runUseCase } from '../run-use-case.ts';
import { sendProblem } from '../problem.ts';
import { problems, Security, Uuid } from '../views/admin-schemas.ts';
import { TicketDetailSchema, ticketDetailView, TicketListSchema, TicketSchema, ticketView } from './service-views.ts';

const ForCustomer = { tags: ['customer'], security: Security };
const ForService = { tags: ['service'], security: Security };
const TicketParams = Type.Object({ ticketId: Uuid });
const OpenFields = {
  category: Type.String({ enum: [...TICKET_CATEGORIES] }),
  description: Type.String({ minLength: 2, maxLength: 2000 }),
  subject: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
  planId: Type.Optional(Uuid),
};
const CommentBody = Type.Object({ body: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false, examples: [{ body: '已经收到短信里的还款链接了，谢谢' }] });
const Note = Type.Optional(Type.String({ maxLength: 2000 }));
const CommentedSchema = Type.Object({ ticketId: Type.String(), status: Type.String({ enum: [...TICKET_STATUSES] }) }, { examples: [{ ticketId: '0192f0c8-5c2a-7000-8000-0000000000a1', status: 'in_progress' }] });

/** Roles, as in app/service/staff.ts (admin passes every guard). */
const READ = ['operator', 'agent', 'supervisor', 'auditor'] as const;
const ACT = ['agent', 'supervisor'] as const;

const customerIdOf = (req: FastifyRequest): string => (req.principal?.kind === 'customer' ? req.principal.customerId : '');

/** 工单: the help centre's tickets (/v1/me/tickets) and the agents' ticket queue (/v1/service/tickets). */
export const serviceTicketRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox => async (app) => {
  const guard = guards(deps);
  const now = () => deps.clock.now();

  // ── The customer's help centre ─────────────────────────────────────────────
  app.post('/v1/me/tickets', {
    preHandler: guard.customer,
    schema: {
      ...ForCustomer, summary: 'Open a ticket (提交工单); my plans and recent payments are attached automatically',
      body: Type.Object(OpenFields, { additionalProperties: false, examples: [{ category: 'debited_not_recorded', description: '昨天扣了536元，账单还显示未还' }] }),
      response: { 201: TicketSchema, ...problems(400, 401, 403, 404) },
    },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => openTicket(ctx, { ...req.body, category: req.body.category as TicketCategory, customerId: customerIdOf(req) }), {
    status: 201, respond: (t) => ticketView(withSla(t, now()), 'customer'),
  }));

  app.get('/v1/me/tickets', {
    preHandler: guard.customer,
    schema: { ...ForCustomer, summary: 'My tickets, newest first, with status and SLA', response: { 200: TicketListSchema, ...problems(400, 401, 403) } },
  }, async (req) => ({ items: (await listCustomerTickets(deps.db, customerIdOf(req), now())).map((t) => ticketView(t, 'customer')), nextCursor: null }));

  app.get('/v1/me/tickets/:ticketId', {
    preHandler: guard.customer,
    schema: { ...ForCustomer, summary: 'One of my tickets with its history', params: TicketParams, response: { 200: TicketDetailSchema, ...problems(400, 401, 403, 404) } },
  }, async (req, reply) => {
    const found = await getTicket(deps.db, actorOf(req.principal!), req.params.ticketId, now());
    return found.ok ? ticketDetailView(found.value, 'customer') : sendProblem(reply, found.error);
  });

  app.post('/v1/me/tickets/:ticketId/comments', {
    preHandler: guard.customer,
    schema: { ...ForCustomer, summary: 'Reply on my ticket (a ticket waiting for me goes back to the agent)', params: TicketParams, body: CommentBody, response: { 201: CommentedSchema, ...problems(400, 401, 403, 404, 409) } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => commentOnTicket(ctx, { ticketId: req.params.ticketId, body: req.body.body }), { status: 201, respond: (r) => r }));

  app.post('/v1/me/tickets/:ticketId/actions', {
    preHandler: guard.customer,
    schema: {
      ...ForCustomer, summary: 'Confirm a resolved ticket (close) or say it is not fixed (reopen)', params: TicketParams,
      body: Type.Object({ action: Type.String({ enum: ['close', 'reopen'] }), note: Note }, { additionalProperties: false, examples: [{ action: 'reopen', note: '还是没有入账' }] }),
      response: { 200: TicketSchema, ...problems(400, 401, 403, 404, 409) },
    },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => moveTicket(ctx, { ticketId: req.params.ticketId, action: req.body.action as TicketAction, ...(req.body.note ? { note: req.body.note } : {}) }), {
    respond: (t) => ticketView(withSla(t, now()), 'customer'),
  }));

  // ── The agents' queue ──────────────────────────────────────────────────────
  app.post('/v1/service/tickets', {
    preHandler: guard.staff(...ACT),
    schema: {
      ...ForService, summary: 'Open a ticket for a customer on the phone (assigned to me)',
      body: Type.Object({ customerId: Uuid, ...OpenFields }, { additionalProperties: false, examples: [{ customerId: '0192f0c8-5c2a-7000-8000-000000000002', category: 'cannot_find_entrance', description: '客户来电：原来的还款入口关闭了' }] }),
      response: { 201: TicketSchema, ...problems(400, 401, 403, 404) },
    },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => openTicket(ctx, { ...req.body, category: req.body.category as TicketCategory }), {
    status: 201, respond: (t) => ticketView(withSla(t, now()), 'staff'),
  }));

  app.get('/v1/service/tickets', {
    preHandler: guard.staff(...READ),
    schema: {
      ...ForService, summary: 'The ticket queue, most urgent first: filter by status, category, SLA breached, assignee',
      querystring: Type.Object({
        status: Type.Optional(Type.String({ pattern: `^(${TICKET_STATUSES.join('|')})(,(${TICKET_STATUSES.join('|')}))*$`, description: 'comma-separated', examples: ['open,in_progress'] })),
        category: Type.Optional(Type.String({ enum: [...TICKET_CATEGORIES] })),
        breached: Type.Optional(Type.String({ enum: ['true', 'false'] })),
        assignee: Type.Optional(Type.String({ maxLength: 40, description: 'me, none, or a staff key id' })),
        customerId: Type.Optional(Uuid),
        limit: Type.Optional(Type.String({ pattern: '^(?:[1-9]|[1-9][0-9]|1[0-9][0-9]|200)$' })),
        cursor: Type.Optional(Uuid),
      }, { additionalProperties: false, examples: [{ status: 'open,in_progress', breached: 'true' }] }),
      response: { 200: TicketListSchema, ...problems(400, 401, 403) },
    },
  }, async (req, reply) => {
    const q = req.query;
    const principal = req.principal!;
    const assignee = q.assignee === undefined ? undefined : q.assignee === 'none' ? null : q.assignee === 'me' && principal.kind === 'staff' ? principal.keyId : q.assignee;
    const page = await listTicketQueue(deps.db, actorOf(principal), now(), {
      ...(q.status ? { statuses: q.status.split(',') as TicketStatus[] } : {}), ...(q.category ? { category: q.category as TicketCategory } : {}),
      ...(q.breached ? { breached: q.breached === 'true' } : {}), ...(assignee !== undefined ? { assignee } : {}),
      ...(q.customerId ? { customerId: q.customerId } : {}), ...(q.limit ? { limit: Number(q.limit) } : {}), ...(q.cursor ? { after: q.cursor } : {}),
    });
    if (!page.ok) return sendProblem(reply, page.error);
    return { items: page.value.items.map((t) => ticketView(t, 'staff')), nextCursor: page.value.nextCursor };
  });

  app.get('/v1/service/tickets/:ticketId', {
    preHandler: guard.staff(...READ),
    schema: { ...ForService, summary: 'A ticket with its full history (every change, comment and action, who and when)', params: TicketParams, response: { 200: TicketDetailSchema, ...problems(400, 401, 403, 404) } },
  }, async (req, reply) => {
    const found = await getTicket(deps.db, actorOf(req.principal!), req.params.ticketId, now());
    return found.ok ? ticketDetailView(found.value, 'staff') : sendProblem(reply, found.error);
  });

  app.post('/v1/service/tickets/:ticketId/actions', {
    preHandler: guard.staff(...ACT),
    schema: {
      ...ForService, summary: 'Move a ticket: start, wait_customer, customer_replied, resolve (with a note), close, reopen', params: TicketParams,
      body: Type.Object({ action: Type.String({ enum: [...TICKET_ACTIONS] }), note: Note }, { additionalProperties: false, examples: [{ action: 'resolve', note: '已通过短信发送新的还款链接，客户已还款' }] }),
      response: { 200: TicketSchema, ...problems(400, 401, 403, 404, 409) },
    },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => moveTicket(ctx, { ticketId: req.params.ticketId, action: req.body.action as TicketAction, ...(req.body.note ? { note: req.body.note } : {}) }), {
    respond: (t) => ticketView(withSla(t, now()), 'staff'),
  }));

  app.post('/v1/service/tickets/:ticketId/comments', {
    preHandler: guard.staff(...ACT),
    schema: { ...ForService, summary: 'Write to the customer on a ticket', params: TicketParams, body: CommentBody, response: { 201: CommentedSchema, ...problems(400, 401, 403, 404, 409) } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => commentOnTicket(ctx, { ticketId: req.params.ticketId, body: req.body.body }), { status: 201, respond: (r) => r }));

  app.post('/v1/service/tickets/:ticketId/assign', {
    preHandler: guard.staff(...ACT),
    schema: {
      ...ForService, summary: 'Assign a ticket to a staff member (me, a key id) or back to the queue (null)', params: TicketParams,
      body: Type.Object({ assignee: Type.Union([Type.String({ maxLength: 40 }), Type.Null()]) }, { additionalProperties: false, examples: [{ assignee: 'me' }] }),
      response: { 200: TicketSchema, ...problems(400, 401, 403, 404) },
    },
  }, async (req, reply) => {
    const p = req.principal!;
    const assignee = req.body.assignee === 'me' && p.kind === 'staff' ? p.keyId : req.body.assignee;
    return runUseCase(deps, req, reply, (ctx) => assignTicket(ctx, { ticketId: req.params.ticketId, assignee }), { respond: (t) => ticketView(withSla(t, now()), 'staff') });
  });
};
