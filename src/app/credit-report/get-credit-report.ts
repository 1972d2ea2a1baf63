import type { FileFormat } from '../../core/credit-report/file-format.ts';
import type { ReportMonth } from '../../core/credit-report/report-month.ts';
import { domainError, type DomainError } from '../../core/errors.ts';
import { err, ok, type Result } from '../../core/result.ts';
import type { Db } from '../../adapters/db/tx.ts';
import { findRun, reportFile, type ReportRun } from './report-store.ts';

export interface ReportDownload { run: ReportRun; fileName: string; chunks: AsyncGenerator<string> }

export const reportFileName = (run: ReportRun, format: FileFormat): string =>
  run.kind === 'full' ? `credit-report-${run.month}.${format}` : `credit-report-${run.month}-corrections-${run.version}.${format}`;

/** A stored file: the month's full file (version 1) unless a corrections version is asked for. */
export async function getCreditReport(db: Db, month: ReportMonth, version: number, format: FileFormat): Promise<Result<ReportDownload, DomainError>> {
  const run = await findRun(db, month, version);
  if (!run) return err(domainError('credit_report_not_found', version === 1 ? `${month.month} has not been reported yet` : `${month.month} has no version ${version}`, 'month'));
  return ok({ run, fileName: reportFileName(run, format), chunks: reportFile(db, run, format) });
}
