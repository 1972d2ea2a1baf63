import { isMonthEnd, monthOf } from '../../core/credit-report/report-month.ts';
import type { CloseDateStep } from '../close/date-steps.ts';
import { systemActor } from '../context.ts';
import { execute } from '../execute.ts';
import { runCreditReport } from './run-credit-report.ts';

/**
 * Closing a month's last day reports that month, after every plan is closed through it.
 * Idempotent per date as the close requires: a second run finds nothing changed and writes
 * nothing (or, if a fact changed in between, only the corrections).
 */
export const creditReportStep: CloseDateStep = {
  name: 'creditReport',
  async run(deps, date) {
    const counts: Record<string, number> = {};
    if (!isMonthEnd(date)) return counts;
    const r = await execute(deps, systemActor, (ctx) => runCreditReport(ctx, { month: monthOf(date), closingMonthEnd: true }));
    if (!r.ok) throw new Error(`credit report for ${date}: ${r.error.code}: ${r.error.message}`);
    if (r.replayed) return counts;
    counts.creditReportAccounts = r.value.accounts;
    counts.creditReportLines = r.value.changed ? r.value.run.lines : 0;
    return counts;
  },
};
