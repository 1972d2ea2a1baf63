import { formatYuan } from '../../../core/money/parse.ts';
import type { StatementLine } from '../../../app/payments/ports.ts';

/** A statement day is a day in Shanghai (UTC+8, no daylight saving): [00:00, 24:00) local. */
export function shanghaiDayRange(date: string): [Date, Date] {
  const from = new Date(`${date}T00:00:00+08:00`);
  return [from, new Date(from.getTime() + 86_400_000)];
}

/**
 * The sandbox statement file (对账单): one CSV line per payment or refund that settled that
 * day, amounts in yuan as providers write them, and a summary line, as Alipay's and WeChat
 * Pay's statements end with totals.
 */
export function statementCsv(date: string, lines: StatementLine[]): string {
  const rows = ['type,out_trade_no,trade_no,refund_no,amount,time'];
  for (const l of lines) rows.push([l.type, l.outTradeNo, l.gatewayRef, l.refundNo ?? '', formatYuan(l.amount), l.at.toISOString()].join(','));
  const sum = (type: StatementLine['type']) => lines.filter((l) => l.type === type).reduce((s, l) => s + l.amount, 0);
  rows.push(`# ${date} payments ${lines.filter((l) => l.type === 'payment').length} total ${formatYuan(sum('payment'))}; refunds ${lines.filter((l) => l.type === 'refund').length} total ${formatYuan(sum('refund'))}`);
  return `${rows.join('\n')}\n`;
}
