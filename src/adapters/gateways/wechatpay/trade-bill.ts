import { parseYuan } from '../../../core/money/parse.ts';
import type { StatementLine } from '../../../app/payments/ports.ts';

/**
 * WeChat Pay's daily trade bill (交易账单, bill_type=ALL): a CSV whose first line names the
 * columns, whose data lines prefix every field with a backtick (so spreadsheets keep long
 * numbers as text), and which ends with a summary header (总交易单数,…) and its line.
 * Columns are found by name, so an added column does not shift the reading. Amounts are yuan.
 */
export function parseTradeBill(text: string): StatementLine[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`trade bill: no column ${name}`);
    return i;
  };
  const c = { time: col('交易时间'), ref: col('微信订单号'), out: col('商户订单号'), state: col('交易状态'), order: col('订单金额'), refund: col('退款金额'), refundNo: col('商户退款单号') };
  const out: StatementLine[] = [];
  for (const line of lines.slice(1)) {
    if (line.startsWith('总交易单数')) break;
    if (!line.trim()) continue;
    const f = line.split(',').map((v) => v.replace(/^`/, '').trim());
    const at = new Date(`${f[c.time]!.replace(' ', 'T')}+08:00`);
    const yuan = (v: string | undefined) => {
      const r = parseYuan(v, { allowZero: true });
      if (!r.ok) throw new Error(`trade bill: amount "${v}" unreadable`);
      return r.value;
    };
    if (f[c.state] === 'SUCCESS') out.push({ outTradeNo: f[c.out]!, gatewayRef: f[c.ref]!, type: 'payment', amount: yuan(f[c.order]), at });
    else if (f[c.state] === 'REFUND') out.push({ outTradeNo: f[c.out]!, gatewayRef: f[c.ref]!, type: 'refund', amount: yuan(f[c.refund]), at, refundNo: f[c.refundNo]! });
  }
  return out;
}
