import { createWriteStream, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config.ts';
import { wire } from '../../wiring.ts';
import type { AppDeps } from '../../app/deps.ts';
import { execute } from '../../app/execute.ts';
import { systemActor } from '../../app/context.ts';
import { getCreditReport } from '../../app/credit-report/get-credit-report.ts';
import { runCreditReport } from '../../app/credit-report/run-credit-report.ts';
import type { FileFormat } from '../../core/credit-report/file-format.ts';
import { parseReportMonth, type ReportMonth } from '../../core/credit-report/report-month.ts';
import { UsageError } from './usage-error.ts';

export const CREDIT_REPORT_USAGE = 'credit-report --month YYYY-MM [--out DIR] [--format csv|json] [--data DIR]';

/**
 * `fenqi credit-report --month M`: reports the month (征信) and writes the file the run
 * produced to --out (default ./credit-reports): the full file the first time, a corrections
 * file when facts changed since, or — nothing having changed — the latest file again, byte
 * for byte. A month whose last day is not closed yet is bad input (exit 2).
 */
export async function runCreditReportCli(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { month: { type: 'string' }, out: { type: 'string' }, format: { type: 'string' }, data: { type: 'string' } } });
  const month = parseReportMonth(values.month);
  if (!month.ok) throw new UsageError(`${month.error.message}; usage: fenqi ${CREDIT_REPORT_USAGE}`);
  const format = values.format ?? 'csv';
  if (format !== 'csv' && format !== 'json') throw new UsageError(`--format must be csv or json; got "${format}"`);
  const config = loadConfig(process.env, values.data ? { dataDir: values.data } : {});
  const { deps, handle } = await wire(config);
  try {
    return await reportAndWrite(deps, { month: month.value, outDir: values.out ?? './credit-reports', format }, out);
  } finally {
    await handle.close();
  }
}

export async function reportAndWrite(deps: AppDeps, o: { month: ReportMonth; outDir: string; format: FileFormat }, out: NodeJS.WritableStream): Promise<number> {
  const r = await execute(deps, systemActor, (ctx) => runCreditReport(ctx, { month: o.month }));
  if (!r.ok) throw new UsageError(`${r.error.code}: ${r.error.message}`);
  if (r.replayed) throw new Error('a run without an idempotency key cannot be a replay');
  const { run, changed, accounts } = r.value;
  const file = await getCreditReport(deps.db, o.month, run.version, o.format);
  if (!file.ok) throw new Error(`${file.error.code}: ${file.error.message}`);
  mkdirSync(o.outDir, { recursive: true });
  const path = resolve(o.outDir, file.value.fileName);
  const stream = createWriteStream(path);
  for await (const chunk of file.value.chunks) if (!stream.write(chunk)) await once(stream, 'drain');
  stream.end();
  await once(stream, 'finish');
  const what = !changed ? 'unchanged since version' : run.kind === 'full' ? 'full file, version' : 'corrections, version';
  out.write(`${o.month.month}: ${accounts} accounts; ${what} ${run.version} (${run.lines} lines) → ${path}\n`);
  return 0;
}
