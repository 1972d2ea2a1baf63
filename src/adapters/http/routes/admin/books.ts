import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../../../app/deps.ts';
import { parseDateRange, trialBalance } from '../../../../app/admin/trial-balance.ts';
import { listJournal } from '../../../../app/admin/list-journal.ts';
import { listAuditLog } from '../../../../app/admin/list-audit-log.ts';
import { checkLedger } from '../../../../app/check-ledger.ts';
import { guards, type StaffRole } from '../../auth.ts';
import { sendProblem } from '../../problem.ts';
import { pageInput, PageQuery, problems, Uuid } from '../../views/admin-schemas.ts';
import { AuditPageSchema, auditPageView, AuditQuery, DateRangeQuery, JournalPageSchema, journalPageView, LedgerCheckSchema, ledgerCheckView, TrialBalanceSchema, trialBalanceView } from '../../views/admin-ledger-view.ts';
import { ROLES, Admin, CustomerParams } from './access.ts';

/** Ledger and audit log. */
export const adminBooksRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox => async (app) => {
  const guard = guards(deps);
  const staff = (roles: StaffRole[]) => guard.staff(...roles);

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
};
