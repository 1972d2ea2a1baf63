import type { FileLine } from './file-format.ts';
import { changedFields, type CreditReportLine } from './report-line.ts';

/** A line already reported for the month and still in force, with the version it came in. */
export interface ReportedLine { line: CreditReportLine; version: number }

/**
 * What a re-run of a month must add: every account whose recomputed line differs from the
 * one in force, naming the version it supersedes and the fields that changed, and every
 * account reported for the first time. An account reported before and not reportable now
 * cannot arise (a plan's open date never moves, and a plan only closes on the business date
 * it is closed on, never in a month already over), so the line in force simply stays.
 *
 * The credit line is the customer's limit when the month was first reported: a limit
 * changed later is reported from the month it changed in, not as a correction of old months.
 */
export function correctionsFor(now: readonly CreditReportLine[], reported: ReadonlyMap<string, ReportedLine>): FileLine[] {
  const out: FileLine[] = [];
  for (const computed of now) {
    const before = reported.get(computed.accountId);
    if (!before) {
      out.push({ ...computed, supersedes: null, changedFields: ['added'] });
      continue;
    }
    const line = { ...computed, creditLine: before.line.creditLine };
    const changed = changedFields(before.line, line);
    if (changed.length > 0) out.push({ ...line, supersedes: before.version, changedFields: changed });
  }
  return out;
}
