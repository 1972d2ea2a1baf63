import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../../app/deps.ts';
import { getCase } from '../../../app/collections/get-case.ts';
import { listQueue } from '../../../app/collections/list-queue.ts';
import { logContact } from '../../../app/collections/log-contact.ts';
import { reassignCase } from '../../../app/collections/reassign-case.ts';
import { recordPromise } from '../../../app/collections/record-promise.ts';
import { CONTACT_CHANNELS, CONTACT_OUTCOMES, type ContactChannel, type ContactOutcome } from '../../../core/collections/contact-rules.ts';
import { formatYuan, parseYuan } from '../../../core/money/parse.ts';
import { guards } from '../auth.ts';
import { runUseCase } from '../run-use-case.ts';
import { sendProblem } from '../problem.ts';
import { DateString, Money, ProblemSchema } from '../schemas.ts';

const Uuid = Type.String({ format: 'uuid' });
const Problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema };
const CaseParams = Type.Object({ customerId: Uuid, caseId: Uuid });
const QueueItem = Type.Object({
  caseId: Type.String(), customerId: Type.String(), planId: Type.String(), bucket: Type.String(), daysPastDue: Type.Integer(),
  agentId: Type.Union([Type.String(), Type.Null()]), openedOn: Type.String(), phoneMasked: Type.Union([Type.String(), Type.Null()]),
  overdue: Money, openPromise: Type.Union([Type.Object({ promisedOn: Type.String(), amount: Money }), Type.Null()]),
});

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const CaseDetail = Type.Object({
  caseId: Type.String(), customerId: Type.String(), planId: Type.String(), status: Type.String(), bucket: Type.String(), daysPastDue: Type.Integer(),
  agentId: Nullable(Type.String()), openedOn: Type.String(), closedOn: Nullable(Type.String()), phoneMasked: Nullable(Type.String()),
  contacts: Type.Array(Type.Object({ id: Type.String(), agentId: Type.String(), channel: Type.String(), outcome: Type.String(), note: Nullable(Type.String()), contactedAt: Type.String() })),
  promises: Type.Array(Type.Object({ id: Type.String(), promisedOn: Type.String(), amount: Money, status: Type.String(), resolvedOn: Nullable(Type.String()), paid: Nullable(Money) })),
});

/**
 * 催收 for staff. Agents work their own cases; supervisors see and reassign all; auditors
 * read. A contact is always with the customer: the bodies admit no other party (no name,
 * number or relationship field), so a third-party contact cannot be recorded.
 */
export const collectionsRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox => async (app) => {
  const guard = guards(deps);

  app.get('/v1/collections/queue', {
    preHandler: guard.staff('agent', 'supervisor', 'auditor'),
    schema: {
      tags: ['collections'], summary: 'Open collection cases, most overdue first (an agent sees their own)', security: [{ bearer: [] }],
      querystring: Type.Object({ bucket: Type.Optional(Type.String({ maxLength: 16 })), agentId: Type.Optional(Uuid), limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$', description: '1–500 (query strings are not coerced: digits)' })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(QueueItem) }), ...Problems },
    },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => listQueue(ctx, { ...req.query, limit: Math.min(500, Number(req.query.limit ?? 100)) }), {
    respond: (items) => ({ items: items.map(({ overdueFen, openPromise, ...i }) => ({ ...i, overdue: formatYuan(overdueFen), openPromise: openPromise ? { promisedOn: openPromise.promisedOn, amount: formatYuan(openPromise.amountFen) } : null })) }),
  }));

  app.get('/v1/collections/customers/:customerId/cases/:caseId', {
    preHandler: guard.staff('agent', 'supervisor', 'auditor'),
    schema: { tags: ['collections'], summary: 'A case with its contact log and promises', security: [{ bearer: [] }], params: CaseParams, response: { 200: CaseDetail, ...Problems } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => getCase(ctx, req.params.customerId, req.params.caseId), {
    respond: (d) => ({
      caseId: d.case.id, customerId: d.case.customer_id, planId: d.case.plan_id, status: d.case.status, bucket: d.case.bucket, daysPastDue: d.case.days_past_due,
      agentId: d.case.agent_id, openedOn: d.case.opened_on, closedOn: d.case.closed_on, phoneMasked: d.phoneMasked,
      contacts: d.contacts.map((c) => ({ ...c, contactedAt: c.contactedAt.toISOString() })),
      promises: d.promises.map(({ amountFen, paidFen, ...p }) => ({ ...p, amount: formatYuan(amountFen), paid: paidFen === null ? null : formatYuan(paidFen) })),
    }),
  }));

  app.post('/v1/collections/customers/:customerId/cases/:caseId/assign', {
    preHandler: guard.staff('supervisor'),
    schema: {
      tags: ['collections'], summary: 'Reassign a case to another agent', security: [{ bearer: [] }], params: CaseParams,
      body: Type.Object({ agentId: Uuid, reason: Type.String({ minLength: 3, maxLength: 500 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ caseId: Type.String(), agentId: Type.String() }), ...Problems },
    },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => reassignCase(ctx, { ...req.params, ...req.body }), { respond: (r) => r }));

  app.post('/v1/collections/customers/:customerId/cases/:caseId/contacts', {
    preHandler: guard.staff('agent', 'supervisor'),
    schema: {
      tags: ['collections'], summary: 'Log a contact attempt with the customer (refused 21:00–08:00 Asia/Shanghai and beyond the daily cap)', security: [{ bearer: [] }],
      params: CaseParams,
      body: Type.Object({
        channel: Type.String({ enum: [...CONTACT_CHANNELS] }), outcome: Type.String({ enum: [...CONTACT_OUTCOMES] }), note: Type.Optional(Type.String({ maxLength: 1000 })),
      }, { additionalProperties: false, examples: [{ channel: 'phone', outcome: 'promise_to_pay', note: '客户表示发薪日还款' }] }),
      response: { 201: Type.Object({ contactId: Type.String(), caseId: Type.String(), contactedAt: Type.String(), contactDay: Type.String(), attemptsToday: Type.Integer() }), ...Problems },
    },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => logContact(ctx, {
    ...req.params, channel: req.body.channel as ContactChannel, outcome: req.body.outcome as ContactOutcome, ...(req.body.note ? { note: req.body.note } : {}),
  }), { status: 201, respond: (c) => ({ ...c, contactedAt: c.contactedAt.toISOString() }) }));

  app.post('/v1/collections/customers/:customerId/cases/:caseId/promises', {
    preHandler: guard.staff('agent', 'supervisor'),
    schema: {
      tags: ['collections'], summary: 'Record a promise to pay (date, amount); the daily close flags it if broken', security: [{ bearer: [] }],
      params: CaseParams,
      body: Type.Object({ promisedOn: DateString, amount: Money }, { additionalProperties: false, examples: [{ promisedOn: '2026-03-15', amount: '500.00' }] }),
      response: { 201: Type.Object({ promiseId: Type.String(), caseId: Type.String(), promisedOn: Type.String(), amount: Money, status: Type.String() }), ...Problems },
    },
  }, async (req, reply) => {
    const amount = parseYuan(req.body.amount, { field: 'amount', allowZero: false });
    if (!amount.ok) return sendProblem(reply, amount.error);
    return runUseCase(deps, req, reply, (ctx) => recordPromise(ctx, { ...req.params, promisedOn: req.body.promisedOn, amount: amount.value }), {
      status: 201, respond: (p) => ({ ...p, amount: formatYuan(p.amount) }),
    });
  });
};
