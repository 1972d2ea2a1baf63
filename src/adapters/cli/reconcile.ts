import { parseArgs } from 'node:util';
import { loadConfig } from '../../config.ts';
import { wire } from '../../wiring.ts';
import { reconcile } from '../../app/payments/reconcile.ts';
import { isGatewayName } from '../../core/payments/payment-status.ts';
import { parseBusinessDate } from '../../core/calendar/business-date.ts';
import { formatYuan } from '../../core/money/parse.ts';
import { UsageError } from './usage-error.ts';

const USAGE = 'usage: fenqi reconcile --gateway sandbox|alipay|wechatpay --date YYYY-MM-DD [--data DIR] [--json]';

/**
 * `fenqi reconcile --gateway NAME --date D`: matches the gateway's statement for D against
 * recorded payments and refunds, posts what only the statement knows, stores and prints the result.
 * Exit 0 when everything matched, 1 when something needs a person.
 */
export async function runReconcile(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { gateway: { type: 'string' }, date: { type: 'string' }, data: { type: 'string' }, json: { type: 'boolean' } } });
  if (!values.gateway || !isGatewayName(values.gateway)) throw new UsageError(USAGE);
  if (!values.date || !parseBusinessDate(values.date).ok) throw new UsageError(`--date must be a date YYYY-MM-DD; ${USAGE}`);
  const config = loadConfig(process.env, { ...(values.data ? { dataDir: values.data } : {}), seedDemo: false });
  const { deps, handle } = await wire(config);
  try {
    const r = await reconcile(deps, values.gateway, values.date);
    if (!r.ok) throw new UsageError(r.error.message);
    const v = r.value;
    if (values.json) out.write(`${JSON.stringify(v)}\n`);
    else {
      out.write(`${v.gateway} ${v.date}: ${v.statementPayments} payments in the statement; matched ${v.matched}, posted by reconciliation ${v.recovered.length}, `
        + `not in Fenqi ${v.notInFenqi.length}, not in the statement ${v.notInStatement.length}, amount mismatches ${v.amountMismatches.length}\n`);
      const list = (title: string, lines: typeof v.recovered) => { for (const l of lines) out.write(`  ${title}: ${l.outTradeNo} ${formatYuan(l.amountFen)}${l.fenqiAmountFen !== undefined && l.fenqiAmountFen !== l.amountFen ? ` (Fenqi ${formatYuan(l.fenqiAmountFen)})` : ''}\n`); };
      list('posted', v.recovered);
      list('not in Fenqi', v.notInFenqi);
      list('not in statement', v.notInStatement);
      list('amount mismatch', v.amountMismatches);
      const f = v.refunds;
      out.write(`  refunds: ${v.statementRefunds} in the statement; matched ${f.matched}, recorded as succeeded ${f.recovered.length}, `
        + `not in Fenqi ${f.notInFenqi.length}, not in the statement ${f.notInStatement.length}, amount mismatches ${f.amountMismatches.length}\n`);
      const refunds = (title: string, lines: typeof f.recovered) => { for (const l of lines) out.write(`  refund ${title}: ${l.outTradeNo}/${l.refundNo} ${formatYuan(l.amountFen)}${l.fenqiAmountFen !== undefined && l.fenqiAmountFen !== l.amountFen ? ` (Fenqi ${formatYuan(l.fenqiAmountFen)})` : ''}${l.fenqiStatus && l.fenqiStatus !== 'succeeded' && l.fenqiStatus !== 'pending' ? ` [Fenqi: ${l.fenqiStatus}]` : ''}\n`); };
      refunds('recorded', f.recovered);
      refunds('not in Fenqi', f.notInFenqi);
      refunds('not in statement', f.notInStatement);
      refunds('amount mismatch', f.amountMismatches);
    }
    const open = v.notInFenqi.length + v.notInStatement.length + v.amountMismatches.length
      + v.refunds.notInFenqi.length + v.refunds.notInStatement.length + v.refunds.amountMismatches.length;
    return open === 0 ? 0 : 1;
  } finally {
    await handle.close();
  }
}
