import { parseYuan } from '../../../core/money/parse.ts';
import type { StatementLine } from '../../../app/payments/ports.ts';
import { readZip } from './zip.ts';

/**
 * Alipay's daily trade statement (bill_type=trade): a zip holding 业务明细.csv (the detail)
 * and 业务明细(汇总).csv (the summary), both GBK. The detail has comment lines starting with
 * `#` (account, date range), a header line, one line per trade or refund (fields padded with
 * tabs and spaces), then `#` lines again with the totals (#交易合计：N笔… / #退款合计：N笔…).
 * Columns are found by name, so an added column does not shift the reading. Amounts are yuan.
 */
export function parseAlipayStatementZip(zip: Buffer): StatementLine[] {
  const files = readZip(zip);
  const detail = files.find((f) => f.name.endsWith('.csv') && f.name.includes('业务明细') && !f.name.includes('汇总'));
  if (!detail) throw new Error(`alipay statement: no 业务明细 file in the archive (${files.map((f) => f.name).join(', ')})`);
  return parseAlipayStatement(new TextDecoder('gbk').decode(detail.data));
}

export function parseAlipayStatement(text: string): StatementLine[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerAt = lines.findIndex((l) => !l.startsWith('#') && l.includes('商户订单号'));
  if (headerAt < 0) throw new Error('alipay statement: no header line');
  const header = lines[headerAt]!.split(',').map((h) => h.trim());
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`alipay statement: no column ${name}`);
    return i;
  };
  const c = {
    ref: col('支付宝交易号'), out: col('商户订单号'), type: col('业务类型'), done: col('完成时间'), order: col('订单金额（元）'),
    received: col('商家实收（元）'), refundNo: col('退款批次号/请求号'),
  };
  const out: StatementLine[] = [];
  let i = headerAt + 1;
  for (; i < lines.length && !lines[i]!.startsWith('#'); i++) {
    if (!lines[i]!.trim()) continue;
    const f = lines[i]!.split(',').map((v) => v.trim());
    const at = new Date(`${f[c.done]!.replace(' ', 'T')}+08:00`);
    if (Number.isNaN(at.getTime())) throw new Error(`alipay statement: time "${f[c.done]}" unreadable`);
    if (f[c.type] === '交易') out.push({ outTradeNo: f[c.out]!, gatewayRef: f[c.ref]!, type: 'payment', amount: yuan(f[c.order]), at });
    // A refund line carries the refund as a negative 商家实收 (订单金额 can be the order's); out_request_no in 退款批次号/请求号.
    else if (f[c.type] === '退款') out.push({ outTradeNo: f[c.out]!, gatewayRef: f[c.ref]!, type: 'refund', amount: yuan(f[c.received] || f[c.order]), at, refundNo: f[c.refundNo]! });
  }
  checkTotals(lines.slice(i), out);
  return out;
}

function yuan(v: string | undefined): number {
  const r = parseYuan((v ?? '').replace(/^-/, ''), { allowZero: true });
  if (!r.ok) throw new Error(`alipay statement: amount "${v}" unreadable`);
  return r.value;
}

/** The totals at the foot must agree with the lines read: a truncated file is refused, not half-reconciled. */
function checkTotals(foot: string[], lines: StatementLine[]): void {
  for (const [label, type] of [['交易合计', 'payment'], ['退款合计', 'refund']] as const) {
    const m = foot.map((l) => new RegExp(`^#${label}[：:]\\s*(\\d+)\\s*笔`).exec(l)).find(Boolean);
    if (!m) throw new Error(`alipay statement: no #${label} line`);
    const counted = lines.filter((l) => l.type === type).length;
    if (Number(m[1]) !== counted) throw new Error(`alipay statement: #${label} says ${m[1]} lines, the file has ${counted}`);
  }
}
