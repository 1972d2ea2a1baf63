import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../../app/deps.ts';
import { createPartner, updatePartner } from '../../../app/partners/manage-partners.ts';
import { findPartner, loadPartners, type PartnerRow } from '../../../app/partners/partner-store.ts';
import { settlePartnerDay, type SettlementRow } from '../../../app/partners/settle-partner-day.ts';
import { reconcileSettlement } from '../../../app/partners/reconcile-settlement.ts';
import { transferPortfolio, type TransferSummary } from '../../../app/partners/transfer-portfolio.ts';
import { domainError } from '../../../core/errors.ts';
import { formatYuan, parseYuan } from '../../../core/money/parse.ts';
import { bpToPercent } from '../../../core/partners/shares.ts';
import { guards, type StaffRole } from '../auth.ts';
import { runUseCase } from '../run-use-case.ts';
import { sendProblem } from '../problem.ts';
import { DateString, Money } from '../schemas.ts';
import { iso, problems, Security, Uuid } from '../views/admin-schemas.ts';

/** Partners, settlements and transfers move or account for money: operators act, auditors and supervisors read; agents never see them. */
const ROLES = { write: ['operator'], read: ['operator', 'supervisor', 'auditor'], funding: ['operator', 'supervisor', 'auditor', 'agent'] } satisfies Record<string, StaffRole[]>;
const Admin = { tags: ['partners'], security: Security };
const Ids = Type.Array(Uuid, { maxItems: 1000 });
const Lenders = Type.Array(Type.Object({
  partnerId: Type.Optional(Uuid), percent: Type.String({ pattern: '^\\d{1,3}(\\.\\d{1,2})?$', description: 'share of each plan, percent' }),
}, { additionalProperties: false }), { minItems: 1, maxItems: 10, description: 'co-lenders and their shares (sum 100); a lender without partnerId is this partner; omit to lend alone' });
const PartnerFields = {
  name: Type.String({ minLength: 1, maxLength: 100 }), priority: Type.Integer({ minimum: 0, maximum: 10000, description: 'lower is tried first' }),
  quota: Money, productIds: Ids, merchantIds: Type.Array(Uuid, { maxItems: 1000, description: 'empty: every merchant' }), lenders: Lenders,
  settlementAccount: Type.Union([Type.String({ maxLength: 100 }), Type.Null()]), status: Type.String({ enum: ['active', 'paused', 'retired'] }),
};
const CreateBody = Type.Object({ code: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{1,39}$' }), ...PartnerFields, lenders: Type.Optional(Lenders), settlementAccount: Type.Optional(PartnerFields.settlementAccount), status: Type.Optional(PartnerFields.status) }, {
  additionalProperties: false, examples: [{ code: 'bank-a', name: '甲银行 Bank A', priority: 10, quota: '10000000.00', productIds: ['0192f0c8-5c2a-7000-8000-000000000002'], merchantIds: [] }],
});
const PatchBody = Type.Partial(Type.Object(PartnerFields), { additionalProperties: false, minProperties: 1 });
const PartnerSchema = Type.Object({
  partnerId: Type.String(), code: Type.String(), name: Type.String(), status: Type.String(), priority: Type.Integer(), quota: Money, quotaUsed: Money, quotaLeft: Money,
  lenders: Type.Array(Type.Object({ partnerId: Type.String(), percent: Type.String() })), productIds: Type.Array(Type.String()), merchantIds: Type.Array(Type.String()),
  settlementMode: Type.String(), settlementAccount: Type.Union([Type.String(), Type.Null()]), createdAt: Type.String(), updatedAt: Type.String(),
});
const partnerView = (p: PartnerRow) => ({
  partnerId: p.id, code: p.code, name: p.name, status: p.status, priority: p.priority, quota: formatYuan(p.quota_fen), quotaUsed: formatYuan(p.quota_used_fen),
  quotaLeft: formatYuan(p.quota_fen - p.quota_used_fen), lenders: p.lenders.map((l) => ({ partnerId: l.partnerId, percent: bpToPercent(l.shareBp) })),
  productIds: p.product_ids, merchantIds: p.merchant_ids, settlementMode: p.settlement_mode, settlementAccount: p.settlement_account, createdAt: iso(p.created_at), updatedAt: iso(p.updated_at),
});
const SettlementSchema = Type.Object({
  partnerId: Type.String(), date: Type.String(), plans: Type.Integer(), principalFunded: Money, merchantSubsidy: Money, collectedPrincipal: Money, collectedInterest: Money,
  collectedFee: Money, collectedPenalty: Money, returnedPrincipal: Money, netDue: Type.String({ description: 'positive: the platform pays the partner; negative: the partner pays' }),
  entryId: Type.Union([Type.String(), Type.Null()]), replayed: Type.Boolean(),
  reconciliation: Type.Optional(Type.Object({ ok: Type.Boolean(), differences: Type.Array(Type.String()) })),
});
const settlementView = (s: SettlementRow, replayed: boolean) => ({
  partnerId: s.partner_id, date: s.business_date, plans: s.plans, principalFunded: formatYuan(s.principal_funded_fen), merchantSubsidy: formatYuan(s.merchant_subsidy_fen),
  collectedPrincipal: formatYuan(s.collected_principal_fen), collectedInterest: formatYuan(s.collected_interest_fen), collectedFee: formatYuan(s.collected_fee_fen),
  collectedPenalty: formatYuan(s.collected_penalty_fen), returnedPrincipal: formatYuan(s.returned_principal_fen), netDue: formatYuan(s.net_due_fen), entryId: s.entry_id, replayed,
});
const TransferBody = Type.Object({
  transferId: Uuid, fromPartnerId: Uuid, toPartnerId: Uuid, effectiveDate: DateString, reason: Type.String({ minLength: 4, maxLength: 500 }),
  selection: Type.Object({ planIds: Type.Optional(Ids), productIds: Type.Optional(Ids), merchantIds: Type.Optional(Ids) }, { additionalProperties: false, description: 'all empty: the seller\'s whole book' }),
  dryRun: Type.Optional(Type.Boolean({ description: 'preview: totals only, nothing written' })),
}, { additionalProperties: false, examples: [{ transferId: '0192f0c8-5c2a-7000-8000-0000000000a1', fromPartnerId: '0192f0c8-5c2a-7000-8000-000000000011', toPartnerId: '0192f0c8-5c2a-7000-8000-000000000012', effectiveDate: '2026-02-07', reason: 'store moved its installment business to bank B', selection: {}, dryRun: true }] });
const TransferSchema = Type.Object({
  transferId: Type.String(), dryRun: Type.Boolean(), replayed: Type.Boolean(), fromPartnerId: Type.String(), toPartnerId: Type.String(), effectiveDate: Type.String(),
  plans: Type.Integer(), customers: Type.Integer(), principal: Money, planIds: Type.Array(Type.String()), excluded: Type.Array(Type.Object({ planId: Type.String(), reason: Type.String() })),
});
const transferView = (t: TransferSummary) => ({ ...t, principal: formatYuan(t.principalFen), principalFen: undefined });
const PartnerParams = Type.Object({ partnerId: Uuid });

/** Funding partners (资金方): configuration, daily settlement files, portfolio transfers. */
export const partnerRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox => async (app) => {
  const guard = guards(deps);
  const staff = (roles: StaffRole[]) => guard.staff(...roles);

  app.post('/v1/admin/partners', {
    preHandler: staff(ROLES.write), schema: { ...Admin, summary: 'Add a funding partner', body: CreateBody, response: { 201: PartnerSchema, ...problems(400, 401, 403, 404, 409, 422) } },
  }, async (req, reply) => {
    const quota = parseYuan(req.body.quota, { field: 'quota' });
    if (!quota.ok) return sendProblem(reply, quota.error);
    const { quota: _q, ...rest } = req.body;
    return runUseCase(deps, req, reply, (ctx) => createPartner(ctx, { ...rest, quotaFen: quota.value, status: rest.status as PartnerRow['status'] | undefined }), { status: 201, respond: partnerView });
  });

  app.get('/v1/admin/partners', {
    preHandler: staff(ROLES.read), schema: { ...Admin, summary: 'List partners with quota used and left', response: { 200: Type.Object({ items: Type.Array(PartnerSchema) }), ...problems(401, 403) } },
  }, async () => ({ items: (await loadPartners(deps.db)).map(partnerView) }));

  app.get('/v1/admin/partners/:partnerId', {
    preHandler: staff(ROLES.read), schema: { ...Admin, summary: 'A partner', params: PartnerParams, response: { 200: PartnerSchema, ...problems(400, 401, 403, 404) } },
  }, async (req, reply) => {
    const p = await findPartner(deps.db, req.params.partnerId);
    return p ? partnerView(p) : sendProblem(reply, domainError('not_found', 'no partner with that id'));
  });

  app.patch('/v1/admin/partners/:partnerId', {
    preHandler: staff(ROLES.write), schema: { ...Admin, summary: 'Change a partner (new plans only: funded plans keep their shares)', params: PartnerParams, body: PatchBody, response: { 200: PartnerSchema, ...problems(400, 401, 403, 404, 422) } },
  }, async (req, reply) => {
    const { quota, ...rest } = req.body;
    const parsed = quota === undefined ? null : parseYuan(quota, { field: 'quota' });
    if (parsed && !parsed.ok) return sendProblem(reply, parsed.error);
    const patch = { ...rest, ...(parsed ? { quotaFen: parsed.value } : {}), status: rest.status as PartnerRow['status'] | undefined };
    return runUseCase(deps, req, reply, (ctx) => updatePartner(ctx, req.params.partnerId, patch), { respond: partnerView });
  });

  app.post('/v1/admin/partners/:partnerId/settlements', {
    preHandler: staff(ROLES.write),
    schema: { ...Admin, summary: 'Settle a business day with the partner (once: a re-run returns the first result)', params: PartnerParams, body: Type.Object({ date: DateString }, { additionalProperties: false, examples: [{ date: '2026-02-06' }] }), response: { 200: SettlementSchema, ...problems(400, 401, 403, 404) } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => settlePartnerDay(ctx, req.params.partnerId, req.body.date), { respond: (s) => settlementView(s.settlement, s.replayed) }));

  app.get('/v1/admin/partners/:partnerId/settlements/:date', {
    preHandler: staff(ROLES.read),
    schema: { ...Admin, summary: 'A settlement and its reconciliation against the journal', params: Type.Object({ partnerId: Uuid, date: DateString }), response: { 200: SettlementSchema, ...problems(400, 401, 403, 404) } },
  }, async (req, reply) => {
    const s = await deps.db.selectFrom('partner_settlements').selectAll().where('partner_id', '=', req.params.partnerId).where('business_date', '=', req.params.date).executeTakeFirst();
    if (!s) return sendProblem(reply, domainError('not_found', 'that day is not settled for this partner'));
    const check = await reconcileSettlement(deps.db, s.partner_id, s.business_date);
    return { ...settlementView(s, false), reconciliation: { ok: check.ok, differences: check.differences } };
  });

  app.get('/v1/admin/partners/:partnerId/settlements/:date/file', {
    preHandler: staff(ROLES.read),
    schema: { ...Admin, summary: 'The settlement file (CSV; header documented in core/partners/settlement.ts)', params: Type.Object({ partnerId: Uuid, date: DateString }) },
  }, async (req, reply) => {
    const s = await deps.db.selectFrom('partner_settlements').select(['csv', 'business_date']).where('partner_id', '=', req.params.partnerId).where('business_date', '=', req.params.date).executeTakeFirst();
    if (!s) return sendProblem(reply, domainError('not_found', 'that day is not settled for this partner'));
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="settlement-${req.params.partnerId}-${s.business_date}.csv"`).send(s.csv);
  });

  app.post('/v1/admin/portfolio-transfers', {
    preHandler: staff(ROLES.write),
    schema: { ...Admin, summary: 'Transfer plans from one partner to another at an effective date (dryRun: preview)', body: TransferBody, response: { 200: TransferSchema, ...problems(400, 401, 403, 404, 409, 422) } },
  }, async (req, reply) => runUseCase(deps, req, reply, (ctx) => transferPortfolio(ctx, { ...req.body, dryRun: req.body.dryRun ?? false }), { respond: transferView }));

  app.get('/v1/admin/customers/:customerId/plans/:planId/funding', {
    preHandler: staff(ROLES.funding),
    schema: {
      ...Admin, summary: 'Who funded a plan, version by version, and why', params: Type.Object({ customerId: Uuid, planId: Uuid }),
      response: { 200: Type.Object({ items: Type.Array(Type.Object({ version: Type.Integer(), effectiveDate: Type.String(), partnerId: Type.String(), percent: Type.String(), transferId: Type.Union([Type.String(), Type.Null()]), reason: Type.Unknown() })) }), ...problems(400, 401, 403) },
    },
  }, async (req) => {
    const rows = await deps.db.selectFrom('plan_funding').selectAll().where('customer_id', '=', req.params.customerId).where('plan_id', '=', req.params.planId).orderBy('version').orderBy('seq').execute();
    return { items: rows.map((r) => ({ version: r.version, effectiveDate: r.effective_date, partnerId: r.partner_id, percent: bpToPercent(r.share_bp), transferId: r.transfer_id, reason: r.reason })) };
  });
};
