import { parseArgs } from 'node:util';
import { loadConfig } from '../../config.ts';
import { wire } from '../../wiring.ts';
import { parseBusinessDate } from '../../core/calendar/business-date.ts';
import { parseCloseSettings, PARTITIONS_MAX } from '../../core/close/close-settings.ts';
import { formatYuan } from '../../core/money/parse.ts';
import { closeThrough } from '../../app/close/close-through.ts';
import { readProgress, type CloseProgress, type CloseRunRecord } from '../../app/close/run-record.ts';
import type { Db } from '../db/tx.ts';
import { UsageError } from './usage-error.ts';

export const EOD_USAGE = 'fenqi eod --date YYYY-MM-DD [--workers N] [--partitions P] [--page-size N] [--write-off-days N] [--lease-seconds N] [--data DIR] [--json]';

const int = (value: string | undefined, name: string, fallback: number, max = 1_000_000): number => {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) throw new UsageError(`--${name} must be a whole number from 1 to ${max}; got "${value}"`);
  return Number(value);
};

/**
 * `fenqi eod`: closes business dates through --date (日终). Several processes may run it for
 * the same date against one PostgreSQL server and share the partitions. Exit 0 when every
 * date closed (plan errors are reported, not fatal: they are retried by the next close).
 */
export async function runEod(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values } = parseArgs({
    args: argv, strict: true, options: {
      date: { type: 'string' }, workers: { type: 'string' }, partitions: { type: 'string' }, 'page-size': { type: 'string' },
      'write-off-days': { type: 'string' }, 'lease-seconds': { type: 'string' }, data: { type: 'string' }, json: { type: 'boolean' },
    },
  });
  if (!values.date || !parseBusinessDate(values.date).ok) throw new UsageError(`--date YYYY-MM-DD is required; usage: ${EOD_USAGE}`);
  const settings = parseCloseSettings({ writeOffDays: int(values['write-off-days'], 'write-off-days', 180, 3650) });
  if (!settings.ok) throw new UsageError(settings.error.message);
  const pageSize = int(values['page-size'], 'page-size', 5000, 100_000);
  const options = {
    workers: int(values.workers, 'workers', 1, 64), partitions: int(values.partitions, 'partitions', 16, PARTITIONS_MAX),
    pageSize, chargePageSize: Math.max(1, Math.min(500, Math.ceil(pageSize / 10))), leaseSeconds: int(values['lease-seconds'], 'lease-seconds', 60, 3600),
    settings: settings.value,
  };
  const config = loadConfig(process.env, values.data ? { dataDir: values.data } : {});
  const { deps, handle } = await wire(config, { log: (m) => process.stderr.write(`${m}\n`) });
  const bar = process.stderr.isTTY && !values.json ? progressBar(deps.db) : undefined;
  try {
    const started = Date.now();
    const result = await closeThrough(deps, values.date, options, (date) => bar?.watch(date));
    bar?.stop();
    if (values.json) {
      out.write(`${JSON.stringify({ openedAt: result.openedAt, alreadyClosed: result.alreadyClosed ?? null, runs: result.runs, seconds: (Date.now() - started) / 1000, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
    } else if (result.alreadyClosed !== undefined) {
      out.write(`${values.date} is already closed (the open business date is ${result.openedAt}); nothing to do.\n`);
    } else {
      for (const run of result.runs) out.write(`${summary(run)}\n`);
      out.write(`closed ${result.runs.length} date(s) in ${((Date.now() - started) / 1000).toFixed(1)} s; open business date is now ${await deps.calendar.today()}\n`);
    }
    return 0;
  } finally {
    bar?.stop();
    await handle.close();
  }
}

function summary(run: CloseRunRecord): string {
  const c = run.counts;
  const took = run.finishedAt ? ((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000).toFixed(1) : '?';
  const parts = [
    `${run.plansTotal} active plans`, `${c.installmentsDue ?? 0} installments due`,
    `income ${formatYuan((c.interestEarnedFen ?? 0) + (c.feeEarnedFen ?? 0))}`, `late charges ${formatYuan(c.chargesFen ?? 0)} on ${c.chargedPlans ?? 0} plans`,
    `written off ${c.writtenOff ?? 0}`, `queued ${c.queued ?? 0}`, `errors ${run.errors}`,
  ];
  const lines = [`${run.businessDate} ${run.status}: ${parts.join(', ')} (${took} s)`];
  for (const e of run.errorSamples) lines.push(`  error plan ${e.planId} at ${e.step}: ${e.message}`);
  return lines.join('\n');
}

/** A one-line bar on stderr (plans done / total, rate, time left), redrawn from the partition rows twice a second. */
function progressBar(db: Db) {
  let timer: NodeJS.Timeout | undefined;
  let since = Date.now();
  const draw = (p: CloseProgress) => {
    const secs = (Date.now() - since) / 1000;
    const rate = secs > 0 ? p.plansDone / secs : 0;
    const left = rate > 0 ? Math.max(0, (p.plansTotal - p.plansDone) / rate) : NaN;
    const width = 30;
    const filled = p.plansTotal > 0 ? Math.round((width * p.plansDone) / p.plansTotal) : width;
    process.stderr.write(`\r${p.businessDate} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${p.plansDone}/${p.plansTotal} plans`
      + ` ${Math.round(rate)}/s ETA ${Number.isFinite(left) ? `${Math.ceil(left)} s` : '--'}  partitions ${p.partitionsDone}/${p.partitions}   `);
  };
  return {
    watch(date: string) {
      if (timer) clearInterval(timer);
      since = Date.now();
      timer = setInterval(() => { readProgress(db, date).then(draw, () => {}); }, 500);
    },
    stop() {
      if (!timer) return;
      clearInterval(timer);
      timer = undefined;
      process.stderr.write('\n');
    },
  };
}
