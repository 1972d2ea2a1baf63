import { sql } from 'kysely';
import { correctionsFor } from '../../core/credit-report/corrections.ts';
import type { FileLine } from '../../core/credit-report/file-format.ts';
import { reportLine, type CreditReportLine } from '../../core/credit-report/report-line.ts';
import type { ReportMonth } from '../../core/credit-report/report-month.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { audit } from '../audit.ts';
import type { TxContext } from '../context.ts';
import { hasHardshipPlans, loadAccountPage, type PlanCursor } from './load-account-facts.ts';
import { insertRun, latestRun, linesInForce, lockMonth, storeLines, type ReportRun } from './report-store.ts';

export interface RunCreditReportInput {
  month: ReportMonth;
  /**
   * The daily close runs the report while it closes the month's last day, before the next
   * business date opens; everyone else may only report a month whose last day is closed.
   */
  closingMonthEnd?: boolean;
  pageSize?: number;
}

/** What a run did: the run it wrote (a full file or corrections), or the latest one unchanged. */
export interface CreditReportOutcome { run: ReportRun; changed: boolean; accounts: number }

const PAGE = 500;

/**
 * Reports a month (征信月报). The first run stores every account's line as version 1 (the full
 * file). A later run recomputes each line from today's facts and stores only lines that
 * differ, or accounts new to the month, as the next version (a corrections file), marking
 * the lines they supersede; when nothing differs it writes nothing and answers the latest
 * run, so the file a month already has is the file it keeps.
 */
export async function runCreditReport(ctx: TxContext, input: RunCreditReportInput): Promise<Result<CreditReportOutcome, DomainError>> {
  const { month } = input;
  const closed = input.closingMonthEnd ? month.end <= ctx.businessDate : month.end < ctx.businessDate;
  if (!closed) return err(domainError('credit_report_month_open', `${month.month} can be reported once its last day ${month.end} is closed; the business date is ${ctx.businessDate}`, 'month'));
  await lockMonth(ctx.tx, month);
  const previous = await latestRun(ctx.tx, month);
  const version = (previous?.version ?? 0) + 1;
  const kind = previous ? 'corrections' as const : 'full' as const;
  const hardship = await hasHardshipPlans(ctx.tx);
  let after: PlanCursor | null = null;
  let accounts = 0, written = 0;
  for (;;) {
    const page = await loadAccountPage(ctx.tx, { month, after, limit: input.pageSize ?? PAGE, secret: ctx.deps.secret, hardship });
    if (!page.last) break;
    after = page.last;
    const customerOf = new Map(page.facts.map((f) => [f.planId, f.customerId]));
    const now = page.facts.map((f) => reportLine(f, month)).filter((l): l is CreditReportLine => l !== null);
    accounts += now.length;
    if (now.length === 0) continue;
    const lines: FileLine[] = previous
      ? correctionsFor(now, await linesInForce(ctx.tx, month, sql`(values ${sql.join(now.map((l) => sql`(${customerOf.get(l.accountId)}::uuid, ${l.accountId}::uuid)`))})`))
      : now.map((l) => ({ ...l, supersedes: null, changedFields: [] }));
    await storeLines(ctx.tx, month, version, lines.map((l) => ({ ...l, customerId: customerOf.get(l.accountId)! })));
    written += lines.length;
  }
  if (previous && written === 0) return ok({ run: previous, changed: false, accounts });
  const actor = `${ctx.actor.kind}:${ctx.actor.id}`;
  const run = await insertRun(ctx.tx, month, { version, kind, lines: written, businessDate: ctx.businessDate, actor, at: ctx.at });
  await audit(ctx, kind === 'full' ? 'credit_report.run' : 'credit_report.correct', `credit_report:${month.month}`, { version, lines: written, accounts });
  return ok({ run, changed: true, accounts });
}
