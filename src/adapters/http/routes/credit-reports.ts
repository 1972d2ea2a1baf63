import { Readable } from 'node:stream';
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../../app/deps.ts';
import { getCreditReport } from '../../../app/credit-report/get-credit-report.ts';
import { listRuns, type ReportRun } from '../../../app/credit-report/report-store.ts';
import { runCreditReport, type CreditReportOutcome } from '../../../app/credit-report/run-credit-report.ts';
import { parseReportMonth } from '../../../core/credit-report/report-month.ts';
import { guards, type StaffRole } from '../auth.ts';
import { runUseCase } from '../run-use-case.ts';
import { sendProblem } from '../problem.ts';
import { problems, Security } from '../views/admin-schemas.ts';

/** Reports go to a bureau on the platform's behalf: operators run them, auditors read them; agents never see them. */
const ROLES = { run: ['operator'], read: ['operator', 'auditor'] } satisfies Record<string, StaffRole[]>;
const Admin = { tags: ['credit reports'], security: Security };
const MonthParams = Type.Object({ month: Type.String({ pattern: '^\\d{4}-\\d{2}$', examples: ['2026-01'], description: 'reporting month; its last day is the as-of date' }) });
const Format = Type.Optional(Type.String({ enum: ['csv', 'json'], description: 'default csv' }));

const RunSchema = Type.Object({
  month: Type.String(), version: Type.Integer({ description: '1: the full file; 2, 3, ...: corrections files' }), kind: Type.String({ enum: ['full', 'corrections'] }),
  lines: Type.Integer(), businessDate: Type.String(), actor: Type.String(), createdAt: Type.String(), file: Type.String({ description: 'where to download it' }),
});
const runView = (r: ReportRun) => ({ ...r, file: `/v1/admin/credit-reports/${r.month}?version=${r.version}` });
const OutcomeSchema = Type.Object({
  changed: Type.Boolean({ description: 'false: nothing differs from what was reported; the latest run is returned and nothing was written' }),
  accounts: Type.Integer({ description: 'accounts reportable for the month' }), run: RunSchema,
});
const outcomeView = (o: CreditReportOutcome) => ({ changed: o.changed, accounts: o.accounts, run: runView(o.run) });

/** Credit reporting (征信): monthly files and their corrections. */
export const creditReportRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox => async (app) => {
  const guard = guards(deps);

  app.get('/v1/admin/credit-reports', {
    preHandler: guard.staff(...ROLES.read),
    schema: {
      ...Admin, summary: 'Report runs, newest month first', querystring: Type.Object({ limit: Type.Optional(Type.String({ pattern: '^\\d{1,3}$' })), before: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}$', description: 'months before this one' })) }),
      response: { 200: Type.Object({ items: Type.Array(RunSchema) }), ...problems(400, 401, 403) },
    },
  }, async (req, reply) => {
    const before = req.query.before ? parseReportMonth(req.query.before, 'before') : null;
    if (before && !before.ok) return sendProblem(reply, before.error);
    const limit = Math.min(Math.max(Number(req.query.limit ?? 50), 1), 200);
    return { items: (await listRuns(deps.db, { limit, ...(before ? { before: before.value.start } : {}) })).map(runView) };
  });

  app.get('/v1/admin/credit-reports/:month', {
    preHandler: guard.staff(...ROLES.read),
    schema: {
      ...Admin, summary: 'Download a month\'s file (format in docs/credit-report-format.md): version 1 is the full file, later versions corrections',
      params: MonthParams, querystring: Type.Object({ version: Type.Optional(Type.String({ pattern: '^[1-9]\\d{0,5}$' })), format: Format }),
    },
  }, async (req, reply) => {
    const month = parseReportMonth(req.params.month);
    if (!month.ok) return sendProblem(reply, month.error);
    const format = req.query.format === 'json' ? 'json' : 'csv';
    const file = await getCreditReport(deps.db, month.value, Number(req.query.version ?? 1), format);
    if (!file.ok) return sendProblem(reply, file.error);
    return reply.type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="${file.value.fileName}"`).send(Readable.from(file.value.chunks));
  });

  app.post('/v1/admin/credit-reports/:month/run', {
    preHandler: guard.staff(...ROLES.run),
    schema: {
      ...Admin, summary: 'Report a month, or re-run it: a full file the first time, then a corrections file with only the changed accounts, or nothing when nothing changed',
      params: MonthParams, response: { 200: OutcomeSchema, ...problems(400, 401, 403, 409) },
    },
  }, async (req, reply) => {
    const month = parseReportMonth(req.params.month);
    if (!month.ok) return sendProblem(reply, month.error);
    return runUseCase(deps, req, reply, (ctx) => runCreditReport(ctx, { month: month.value }), { requireIdempotencyKey: true, respond: outcomeView });
  });
};
