import { execFileSync } from 'node:child_process';
import { deflateRawSync } from 'node:zlib';

/** GBK bytes of a text, by the system's iconv (Node's TextEncoder only writes UTF-8). */
export function gbk(text: string): Buffer {
  return execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GBK'], { input: text });
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(b: Buffer): number {
  let c = 0xffffffff;
  for (const x of b) c = CRC_TABLE[(c ^ x) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip as Alipay hands it out: deflated entries, names in GBK without the UTF-8 flag. */
export function zipOf(files: { name: string; data: Buffer }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = gbk(f.name);
    const body = deflateRawSync(f.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc32(f.data), 14); local.writeUInt32LE(body.length, 18); local.writeUInt32LE(f.data.length, 22); local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(f.data), 16); central.writeUInt32LE(body.length, 20); central.writeUInt32LE(f.data.length, 24); central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(files.length, 8); end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(dir.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

export interface BillLine { tradeNo: string; outTradeNo: string; type: '交易' | '退款'; yuan: string; at: string; refundNo?: string }

/** 业务明细 in Alipay's documented layout: # lines, header, detail lines padded with tabs, # totals. */
export function alipayBillCsv(date: string, lines: BillLine[], totals?: { trades: number; refunds: number }): string {
  const head = '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注';
  const rows = lines.map((l) => [l.tradeNo, l.outTradeNo, l.type, '分期还款 Fenqi', l.at, l.at, '', '', '', '', 'abc***@example.com',
    l.type === '交易' ? l.yuan : '536.00', l.type === '交易' ? l.yuan : `-${l.yuan}`, '0.00', '0.00', '0.00', '0.00', '0.00', '', '0.00', '0.00', l.refundNo ?? '', '0.00', '0.00', ''].map((v) => `${v}\t`).join(','));
  const trades = lines.filter((l) => l.type === '交易').length;
  const refunds = lines.length - trades;
  return [
    '#支付宝业务明细查询', '#账号：[20881234567890120156]', `#起始日期：[${date} 00:00:00]   终止日期：[${date} 23:59:59]`,
    '#-----------------------------------------业务明细列表----------------------------------------', head, ...rows,
    '#-----------------------------------------业务明细列表结束------------------------------------',
    `#交易合计：${totals?.trades ?? trades}笔，商家实收共0.00元，商家优惠共0.00元`, `#退款合计：${totals?.refunds ?? refunds}笔，商家实收共0.00元，商家优惠共0.00元`,
    `#导出时间：[${date} 09:00:00]`,
  ].join('\r\n') + '\r\n';
}

export function alipayBillZip(date: string, lines: BillLine[], totals?: { trades: number; refunds: number }): Buffer {
  const compact = date.replace(/-/g, '');
  return zipOf([
    { name: `20881234567890120156_${compact}_业务明细.csv`, data: gbk(alipayBillCsv(date, lines, totals)) },
    { name: `20881234567890120156_${compact}_业务明细(汇总).csv`, data: gbk(`#支付宝业务汇总查询\r\n门店编号,门店名称,交易订单总笔数\r\n,,${lines.length}\r\n`) },
  ]);
}
