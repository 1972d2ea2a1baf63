import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../../app/deps.ts';
import { createEntrance, setEntranceStatus, scheduleMaintenance, cancelMaintenance, updateEntrance } from '../../../app/entrances/manage-entrances.ts';
import { loadTimelines, type EntranceRow } from '../../../app/entrances/entrance-store.ts';
import { whereToPay } from '../../../app/entrances/resolve-entrance.ts';
import { declareIncident, endIncident, listIncidents, reviewIncident, type IncidentRow } from '../../../app/entrances/incidents.ts';
import { applyProtections } from '../../../app/entrances/detect-protections.ts';
import { loadProtectionSettings, protectedDueDates, saveProtectionSettings } from '../../../app/entrances/protection-store.ts';
import { ENTRANCE_KINDS, ENTRANCE_STATUSES, entranceUrl, type EntranceKind, type EntranceStatus } from '../../../core/entrances/entrance.ts';
import { successorFor } from '../../../core/entrances/resolve.ts';
import { parseProtectionSettings } from '../../../core/entrances/protection.ts';
import { domainError } from '../../../core/errors.ts';
import { guards, type StaffRole } from '../auth.ts';
import { runUseCase } from '../run-use-case.ts';
import { sendProblem } from '../problem.ts';
import { DateString } from '../schemas.ts';
import { iso, isoOrNull, problems, Security, Timestamp, Uuid } from '../views/admin-schemas.ts';

/** Agents read the registry and a customer's answer (找不到还款入口 is their most common ticket); operators change it; supervisors may declare incidents. */
const ROLES = { write: ['operator'], read: ['operator', 'agent', 'supervisor', 'auditor'], incident: ['operator', 'supervisor'] } satisfies Record<string, StaffRole[]>;
const Admin = { tags: ['entrances'], security: Security };
const Code = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{1,39}$', examples: ['store-app'] });
const Ids = Type.Array(Uuid, { maxItems: 1000 });
const Serves = Type.Object({ partnerIds: Ids, productIds: Ids, merchantIds: Ids }, { additionalProperties: false, description: 'each non-empty list must match the plan; all empty: every plan' });
const EntranceFields = {
  name: Type.String({ minLength: 1, maxLength: 100 }), url: Type.String({ maxLength: 2048, description: 'http(s); {planId} is replaced by the plan id' }),
  priority: Type.Integer({ minimum: 0, maximum: 10000, description: 'lower is preferred' }), serves: Serves, successorCode: Type.Union([Code, Type.Null()]),
};
const CreateBody = Type.Object({
  code: Code, kind: Type.String({ enum: [...ENTRANCE_KINDS] }), status: Type.String({ enum: [...ENTRANCE_STATUSES] }), ...EntranceFields, successorCode: Type.Optional(EntranceFields.successorCode),
}, { additionalProperties: false, examples: [{ code: 'fenqi', kind: 'fenqi_portal', name: 'Fenqi 还款页', url: 'https://pay.fenqi.example/plans/{planId}', status: 'open', priority: 100, serves: { partnerIds: [], productIds: [], merchantIds: [] } }] });
const EntranceSchema = Type.Object({
  code: Type.String(), kind: Type.String(), name: Type.String(), url: Type.String(), status: Type.String(), priority: Type.Integer(), serves: Type.Unknown(),
  successorCode: Type.Union([Type.String(), Type.Null()]), updatedAt: Type.String(),
  history: Type.Optional(Type.Array(Type.Object({ status: Type.String(), at: Type.String() }))),
  maintenance: Type.Optional(Type.Array(Type.Object({ from: Type.String(), to: Type.String() }))),
});
const entranceView = (e: EntranceRow) => ({ code: e.code, kind: e.kind, name: e.name, url: e.url, status: e.status, priority: e.priority, serves: e.serves, successorCode: e.successor_code, updatedAt: iso(e.updated_at) });
const Ref = Type.Union([Type.Object({ code: Type.String(), kind: Type.String(), name: Type.String(), url: Type.String(), status: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]);
const WhereSchema = Type.Object({ items: Type.Array(Type.Object({ planId: Type.String(), payAt: Ref, usual: Ref, rerouted: Type.Boolean(), reason: Type.String() })) });
const Scope = Type.Object({ partnerIds: Ids, productIds: Ids, merchantIds: Ids, planIds: Ids }, { additionalProperties: false, description: 'each non-empty list must match; all empty: every plan' });
const IncidentSchema = Type.Object({
  incidentId: Type.String(), title: Type.String(), scope: Type.Unknown(), status: Type.String(), startsAt: Type.String(), endsAt: Type.Union([Type.String(), Type.Null()]),
  declaredBy: Type.String(), endedBy: Type.Union([Type.String(), Type.Null()]), review: Type.Union([Type.String(), Type.Null()]), protectedInstallments: Type.Optional(Type.Integer()),
});
const incidentView = (i: IncidentRow & { protected_installments?: number }) => ({
  incidentId: i.id, title: i.title, scope: i.scope, status: i.status, startsAt: iso(i.starts_at), endsAt: isoOrNull(i.ends_at), declaredBy: i.declared_by,
  endedBy: i.ended_by, review: i.review, ...(i.protected_installments === undefined ? {} : { protectedInstallments: i.protected_installments }),
});
const ProtectionList = Type.Object({ items: Type.Array(Type.Object({
  planId: Type.String(), installmentNumber: Type.Integer(), dueDate: Type.String(), extendedDueDate: Type.String(),
  causes: Type.Array(Type.Object({ kind: Type.String(), ref: Type.String(), window: Type.Object({ from: Type.String(), to: Type.String() }) })),
})) });
const SettingsSchema = Type.Object({ outageThresholdMinutes: Type.Integer(), extensionDays: Type.Integer(), movedGraceDays: Type.Integer() });
const CodeParams = Type.Object({ code: Code });
const IncidentParams = Type.Object({ incidentId: Uuid });
const CustomerParams = Type.Object({ customerId: Uuid });
const Reason = Type.String({ minLength: 4, maxLength: 500 });

/** Repayment entrances (还款入口), where to pay, incidents and outage protection. */
export const entranceRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox => async (app) => {
  const guard = guards(deps);
  const staff = (roles: StaffRole[]) => guard.staff(...roles);

  app.post('/v1/admin/entrances', {
    preHandler: staff(ROLES.write), schema: { ...Admin, summary: 'Register a repayment entrance', body: CreateBody, response: { 201: EntranceSchema, ...problems(400, 401, 403, 404, 409) } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => createEntrance(ctx, { ...req.body, kind: req.body.kind as EntranceKind, status: req.body.status as EntranceStatus }), { status: 201, respond: entranceView }));

  app.get('/v1/admin/entrances', {
    preHandler: staff(ROLES.read), schema: { ...Admin, summary: 'Every entrance with its status history and maintenance windows', response: { 200: Type.Object({ items: Type.Array(EntranceSchema) }), ...problems(401, 403) } },
  }, async () => {
    const rows = await deps.db.selectFrom('entrances').selectAll().orderBy('priority').orderBy('code').execute();
    const timelines = new Map((await loadTimelines(deps.db)).map((t) => [t.code, t]));
    return { items: rows.map((e) => ({ ...entranceView(e),
      history: timelines.get(e.code)!.changes.map((c) => ({ status: c.status, at: new Date(c.at).toISOString() })),
      maintenance: timelines.get(e.code)!.maintenance.map((w) => ({ from: new Date(w.from).toISOString(), to: new Date(w.to).toISOString() })) })) };
  });

  app.patch('/v1/admin/entrances/:code', {
    preHandler: staff(ROLES.write), schema: { ...Admin, summary: 'Change an entrance (name, URL, priority, what it serves, successor)', params: CodeParams, body: Type.Partial(Type.Object(EntranceFields), { additionalProperties: false, minProperties: 1 }), response: { 200: EntranceSchema, ...problems(400, 401, 403, 404) } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => updateEntrance(ctx, req.params.code, req.body), { respond: entranceView }));

  app.post('/v1/admin/entrances/:code/status', {
    preHandler: staff(ROLES.write),
    schema: { ...Admin, summary: 'Record a status change (open, degraded, closed), now or back-dated', params: CodeParams, body: Type.Object({ status: Type.String({ enum: [...ENTRANCE_STATUSES] }), reason: Reason, at: Type.Optional(Timestamp) }, { additionalProperties: false, examples: [{ status: 'closed', reason: 'the store ended its installment business with bank A' }] }), response: { 200: EntranceSchema, ...problems(400, 401, 403, 404) } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => setEntranceStatus(ctx, req.params.code, { status: req.body.status as EntranceStatus, reason: req.body.reason, ...(req.body.at ? { at: new Date(req.body.at) } : {}) }), { respond: entranceView }));

  app.post('/v1/admin/entrances/:code/maintenance', {
    preHandler: staff(ROLES.write),
    schema: { ...Admin, summary: 'Schedule a maintenance window', params: CodeParams, body: Type.Object({ startsAt: Timestamp, endsAt: Timestamp, reason: Reason }, { additionalProperties: false }), response: { 201: Type.Object({ id: Type.String() }), ...problems(400, 401, 403, 404) } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => scheduleMaintenance(ctx, req.params.code, { startsAt: new Date(req.body.startsAt), endsAt: new Date(req.body.endsAt), reason: req.body.reason }), { status: 201, respond: (r) => r }));

  app.delete('/v1/admin/entrances/:code/maintenance/:id', {
    preHandler: staff(ROLES.write), schema: { ...Admin, summary: 'Cancel a maintenance window that has not started', params: Type.Object({ code: Code, id: Uuid }), response: { 200: Type.Object({ id: Type.String() }), ...problems(400, 401, 403, 404, 409) } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => cancelMaintenance(ctx, req.params.code, req.params.id), { respond: (r) => r }));

  app.post('/v1/admin/incidents', {
    preHandler: staff(ROLES.incident),
    schema: { ...Admin, summary: 'Declare an incident: due dates of the plans in scope are protected', body: Type.Object({ title: Reason, scope: Scope, startsAt: Type.Optional(Timestamp) }, { additionalProperties: false, examples: [{ title: 'repayment SMS carried a broken link', scope: { partnerIds: [], productIds: [], merchantIds: [], planIds: [] } }] }), response: { 201: IncidentSchema, ...problems(400, 401, 403) } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => declareIncident(ctx, { title: req.body.title, scope: req.body.scope, ...(req.body.startsAt ? { startsAt: new Date(req.body.startsAt) } : {}) }), { status: 201, respond: incidentView }));

  app.post('/v1/admin/incidents/:incidentId/end', {
    preHandler: staff(ROLES.incident), schema: { ...Admin, summary: 'End an incident (its protection window is then fixed)', params: IncidentParams, body: Type.Object({ endsAt: Type.Optional(Timestamp) }, { additionalProperties: false }), response: { 200: IncidentSchema, ...problems(400, 401, 403, 404, 409) } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => endIncident(ctx, req.params.incidentId, req.body.endsAt ? { endsAt: new Date(req.body.endsAt) } : {}), { respond: incidentView }));

  app.post('/v1/admin/incidents/:incidentId/review', {
    preHandler: staff(ROLES.incident), schema: { ...Admin, summary: 'Record the post-incident review', params: IncidentParams, body: Type.Object({ review: Type.String({ minLength: 4, maxLength: 5000 }) }, { additionalProperties: false }), response: { 200: IncidentSchema, ...problems(400, 401, 403, 404) } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => reviewIncident(ctx, req.params.incidentId, req.body.review), { respond: incidentView }));

  app.get('/v1/admin/incidents', {
    preHandler: staff(ROLES.read), schema: { ...Admin, summary: 'Incidents, newest first, with how many installments each protected', querystring: Type.Object({ status: Type.Optional(Type.String({ enum: ['open', 'ended'] })) }, { additionalProperties: false }), response: { 200: Type.Object({ items: Type.Array(IncidentSchema) }), ...problems(400, 401, 403) } },
  }, async (req) => ({ items: (await listIncidents(deps.db, req.query.status as 'open' | 'ended' | undefined)).map(incidentView) }));

  app.get('/v1/admin/outage-protection/settings', {
    preHandler: staff(ROLES.read), schema: { ...Admin, summary: 'Outage protection settings', response: { 200: SettingsSchema, ...problems(401, 403) } },
  }, async () => loadProtectionSettings(deps.db));

  app.put('/v1/admin/outage-protection/settings', {
    preHandler: staff(ROLES.write), schema: { ...Admin, summary: 'Change outage protection settings (applies to days protected from now on)', body: Type.Partial(SettingsSchema, { additionalProperties: false }), response: { 200: SettingsSchema, ...problems(400, 401, 403) } },
  }, async (req, reply) => runUseCase(deps, req, reply, async (ctx) => {
    const parsed = parseProtectionSettings({ ...(await loadProtectionSettings(ctx.tx)), ...req.body });
    if (parsed.ok) await saveProtectionSettings(ctx.tx, parsed.value, ctx.at);
    return parsed;
  }, { respond: (s) => s }));

  app.post('/v1/admin/protections/apply', {
    preHandler: staff(ROLES.write), schema: { ...Admin, summary: 'Compute outage protection for a date (the daily close does this itself)', body: Type.Object({ date: DateString }, { additionalProperties: false }), response: { 200: Type.Object({ date: Type.String(), outageClasses: Type.Integer(), movedClasses: Type.Integer(), incidents: Type.Integer(), installmentsProtected: Type.Integer() }), ...problems(400, 401, 403) } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => applyProtections(ctx, req.body.date), { respond: (r) => r }));

  app.get('/v1/admin/customers/:customerId/where-to-pay', {
    preHandler: staff(ROLES.read), schema: { ...Admin, summary: 'Where this customer can pay each plan now', params: CustomerParams, response: { 200: WhereSchema, ...problems(400, 401, 403) } },
  }, async (req) => ({ items: await whereToPay(deps.db, req.params.customerId, deps.clock.now()) }));

  app.get('/v1/admin/customers/:customerId/protections', {
    preHandler: staff(ROLES.read), schema: { ...Admin, summary: 'The customer\'s protected due dates and why', params: CustomerParams, response: { 200: ProtectionList, ...problems(400, 401, 403) } },
  }, async (req) => ({ items: await protectedDueDates(deps.db, req.params.customerId, '1900-01-01', '2999-12-31') }));

  app.get('/v1/me/where-to-pay', {
    preHandler: guard.customer, schema: { tags: ['customer'], security: Security, summary: 'Where to pay each of my plans now (never a closed entrance)', response: { 200: WhereSchema, 401: problems(401)[401], 403: problems(403)[403] } },
  }, async (req, reply) => {
    const p = req.principal;
    if (p?.kind !== 'customer') return sendProblem(reply, domainError('forbidden', 'this endpoint is for customers'));
    return { items: await whereToPay(deps.db, p.customerId, deps.clock.now()) };
  });

  app.get('/v1/me/protections', {
    preHandler: guard.customer, schema: { tags: ['customer'], security: Security, summary: 'My due dates extended because of a problem on the platform\'s side', response: { 200: ProtectionList, 401: problems(401)[401], 403: problems(403)[403] } },
  }, async (req, reply) => {
    const p = req.principal;
    if (p?.kind !== 'customer') return sendProblem(reply, domainError('forbidden', 'this endpoint is for customers'));
    return { items: await protectedDueDates(deps.db, p.customerId, '1900-01-01', '2999-12-31') };
  });

  app.get('/v1/entrances/:code/redirect', {
    schema: {
      tags: ['public'], summary: 'Opened the old place to pay? One tap to where to pay now', params: CodeParams,
      description: 'Redirects (302) while the entrance works; otherwise answers where to pay now, as a one-button page (Accept: text/html) or JSON.',
    },
  }, async (req, reply) => {
    const timelines = await loadTimelines(deps.db);
    const at = deps.clock.now().getTime();
    const self = timelines.find((t) => t.code === req.params.code);
    if (!self) return sendProblem(reply, domainError('not_found', 'no such repayment entrance'));
    const next = successorFor(timelines, self.code, at);
    if (next && next.code === self.code) return reply.redirect(entranceUrl(self));
    const payAt = next ? { code: next.code, name: next.name, url: entranceUrl(next) } : null;
    const message = `「${self.name}」已不再受理还款。您的账单、金额和还款日都没有变化，请点击下方按钮还款。This repayment entrance is no longer available; nothing about your bills has changed.`;
    if (!String(req.headers.accept ?? '').includes('text/html')) return { code: self.code, status: 'unavailable', message, payAt };
    return reply.type('text/html; charset=utf-8').send(redirectPage(message, payAt));
  });

};

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function redirectPage(message: string, payAt: { name: string; url: string } | null): string {
  const button = payAt ? `<p><a href="${escape(payAt.url)}" style="display:block;padding:16px;background:#e4393c;color:#fff;text-align:center;border-radius:8px;text-decoration:none;font-size:18px">去还款 Pay at ${escape(payAt.name)}</a></p>` : '<p>请稍后再试；在此期间不会产生逾期费用。Please try again later; no late charges apply meanwhile.</p>';
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>还款入口 Where to pay</title></head><body style="font-family:sans-serif;max-width:480px;margin:40px auto;padding:0 16px"><p>${escape(message)}</p>${button}</body></html>`;
}
