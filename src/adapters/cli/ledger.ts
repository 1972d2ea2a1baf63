import { parseArgs } from 'node:util';
import { loadConfig } from '../../config.ts';
import { openDatabase } from '../db/connect.ts';
import { checkLedger } from '../../app/check-ledger.ts';
import { parseBusinessDate } from '../../core/calendar/business-date.ts';
import { formatYuan } from '../../core/money/parse.ts';
import { UsageError } from './usage-error.ts';

/** `fenqi ledger check [--from D] [--to D] [--json]`: exit 0 when the books prove out, 1 when they do not. */
export async function runLedger(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'check') throw new UsageError('usage: fenqi ledger check [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--data DIR] [--json]');
  const { values } = parseArgs({ args: rest, options: { from: { type: 'string' }, to: { type: 'string' }, data: { type: 'string' }, json: { type: 'boolean' } } });
  for (const key of ['from', 'to'] as const) {
    if (values[key] !== undefined && !parseBusinessDate(values[key]).ok) throw new UsageError(`--${key} must be a date YYYY-MM-DD; got "${values[key]}"`);
  }
  const config = loadConfig(process.env, values.data ? { dataDir: values.data } : {});
  const handle = await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir });
  try {
    const report = await checkLedger(handle.db, { ...(values.from ? { from: values.from } : {}), ...(values.to ? { to: values.to } : {}) });
    if (values.json) {
      out.write(`${JSON.stringify(report)}\n`);
    } else {
      out.write(`ledger ${report.ok ? 'OK' : 'FAILED'}: ${report.counts.entries} entries, ${report.counts.postings} postings, ${report.counts.plans} plans; debits ${formatYuan(report.totals.debitFen)} = credits ${formatYuan(report.totals.creditFen)}\n`);
      for (const [kind, list] of Object.entries(report.failures)) for (const line of list) out.write(`  ${kind}: ${line}\n`);
    }
    return report.ok ? 0 : 1;
  } finally {
    await handle.close();
  }
}
