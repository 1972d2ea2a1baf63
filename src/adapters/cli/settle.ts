import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config.ts';
import { wire } from '../../wiring.ts';
import type { AppDeps } from '../../app/deps.ts';
import { execute } from '../../app/execute.ts';
import { systemActor } from '../../app/context.ts';
import { settlePartnerDay, type SettlementRow } from '../../app/partners/settle-partner-day.ts';
import { loadPartners } from '../../app/partners/partner-store.ts';
import { parseBusinessDate } from '../../core/calendar/business-date.ts';
import { formatYuan } from '../../core/money/parse.ts';
import { UsageError } from './usage-error.ts';

export const SETTLE_USAGE = 'settle --date YYYY-MM-DD [--partner ID|CODE] [--out DIR] [--data DIR] [--json]';

/**
 * `fenqi settle --date D [--partner P]`: settles the day with one partner or every partner
 * not retired, each in its own transaction (one partner's failure does not hold the others),
 * and writes each file to --out (default ./settlements). Re-running a day rewrites the same
 * files from the stored settlement: nothing is posted twice. Exit 1 when any partner failed.
 */
export async function runSettle(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { date: { type: 'string' }, partner: { type: 'string' }, out: { type: 'string' }, data: { type: 'string' }, json: { type: 'boolean' } } });
  if (!values.date || !parseBusinessDate(values.date).ok) throw new UsageError(`usage: fenqi ${SETTLE_USAGE}`);
  const config = loadConfig(process.env, values.data ? { dataDir: values.data } : {});
  const { deps, handle } = await wire(config);
  try {
    return await settleAndWrite(deps, { date: values.date, ...(values.partner ? { partner: values.partner } : {}), outDir: values.out ?? './settlements', json: values.json ?? false }, out);
  } finally {
    await handle.close();
  }
}

export async function settleAndWrite(deps: AppDeps, o: { date: string; partner?: string; outDir: string; json: boolean }, out: NodeJS.WritableStream): Promise<number> {
  const partners = (await loadPartners(deps.db)).filter((p) => (o.partner ? p.id === o.partner || p.code === o.partner : p.status !== 'retired'));
  if (o.partner && partners.length === 0) throw new UsageError(`no partner with id or code "${o.partner}"`);
  mkdirSync(o.outDir, { recursive: true });
  let failed = 0;
  for (const p of partners) {
    const r = await execute(deps, systemActor, (ctx) => settlePartnerDay(ctx, p.id, o.date));
    if (!r.ok) {
      failed += 1;
      out.write(o.json ? `${JSON.stringify({ partner: p.code, error: r.error })}\n` : `${p.code}: ${r.error.code}: ${r.error.message}\n`);
      continue;
    }
    if (r.replayed) continue;
    const s = r.value.settlement;
    const file = resolve(o.outDir, `settlement-${p.code}-${o.date}.csv`);
    writeFileSync(file, s.csv);
    out.write(o.json ? `${JSON.stringify({ partner: p.code, file, replayed: r.value.replayed, ...summary(s) })}\n`
      : `${p.code} ${o.date}: ${s.plans} plans, net due ${formatYuan(s.net_due_fen)}${r.value.replayed ? ' (already settled)' : ''} → ${file}\n`);
  }
  return failed === 0 ? 0 : 1;
}

const summary = (s: SettlementRow) => ({ plans: s.plans, netDue: formatYuan(s.net_due_fen), entryId: s.entry_id });
